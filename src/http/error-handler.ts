import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type ErrorCode } from "../domain/errors.js";

// The one HTTP error handler: maps error codes to statuses (exhaustively, so a new code
// fails the build until it is mapped) and never shows internals of a 5xx to the caller.

export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case "VALIDATION_FAILED":
    case "UNKNOWN_EVENT_TYPE":
      return 400;
    case "WEBHOOK_SIGNATURE_INVALID":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    case "PROVIDER_REJECTED":
      return 422;
    case "PROVIDER_UNAVAILABLE":
    case "PROVIDER_NOT_CONFIGURED":
    case "DATABASE_UNAVAILABLE":
      return 503;
    case "INTERNAL":
      return 500;
  }
}

export function errorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const appError =
    error instanceof AppError
      ? error
      : "validation" in error && error.validation
        ? new AppError("VALIDATION_FAILED", error.message)
        : "statusCode" in error && typeof error.statusCode === "number" && error.statusCode < 500
          ? null
          : new AppError("INTERNAL", error.message, { cause: error });
  const status = appError
    ? statusForCode(appError.code)
    : ((error as FastifyError).statusCode ?? 500);
  if (status >= 500) {
    request.log.error({ err: error }, "request failed");
  } else {
    request.log.info({ err: error.message }, "request rejected");
  }
  return reply.status(status).send({
    error: appError?.code ?? (error as FastifyError).code ?? "BAD_REQUEST",
    message:
      status >= 500 ? "Something went wrong on our side; it has been logged." : error.message,
    requestId: request.id,
  });
}
