// The one error type. `retryable` tells workers whether trying again later can help
// (provider outage, rate limit, lock timeout) or not (validation, unknown event type).

export type ErrorCode =
  | "VALIDATION_FAILED"
  | "UNKNOWN_EVENT_TYPE"
  | "NOT_FOUND"
  | "CONFLICT"
  | "WEBHOOK_SIGNATURE_INVALID"
  | "PROVIDER_UNAVAILABLE"
  | "PROVIDER_REJECTED"
  | "PROVIDER_NOT_CONFIGURED"
  | "DATABASE_UNAVAILABLE"
  | "INTERNAL";

export interface AppErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  context?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly retryable: boolean;
  readonly context: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Unknown failures are treated as retryable: a bug retried a few times then dead-lettered loses nothing. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("INTERNAL", message, { retryable: true, cause: error });
}
