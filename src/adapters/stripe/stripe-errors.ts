import Stripe from "stripe";
import { AppError } from "../../domain/errors.js";

// Stripe SDK errors as our one error type. Whether trying again can help decides
// `retryable`: rate limits, Stripe's own failures, lock conflicts and network trouble can;
// declined cards, bad parameters, unknown ids and bad keys cannot.

export function toStripeAppError(error: unknown, operation: string): AppError {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new AppError("INTERNAL", `stripe ${operation}: ${String(error)}`, {
      retryable: true,
      cause: error,
      context: { provider: "stripe", operation },
    });
  }
  const status = error.statusCode ?? null;
  const context = {
    provider: "stripe",
    operation,
    status,
    type: error.type,
    code: error.code ?? null,
    param: error.param ?? null,
    requestId: error.requestId ?? null,
  };
  const message = `stripe ${operation}: ${error.message}`;
  const options = (retryable: boolean) => ({ retryable, cause: error, context });

  if (error instanceof Stripe.errors.StripeConnectionError) {
    return new AppError("PROVIDER_UNAVAILABLE", message, options(true));
  }
  if (error instanceof Stripe.errors.StripeRateLimitError || status === 429) {
    return new AppError("PROVIDER_UNAVAILABLE", message, options(true));
  }
  if (status !== null && (status >= 500 || status === 409)) {
    // 409 is a lock timeout or a concurrent use of an idempotency key: it clears by itself.
    return new AppError("PROVIDER_UNAVAILABLE", message, options(true));
  }
  if (error instanceof Stripe.errors.StripeCardError) {
    return new AppError("PROVIDER_REJECTED", message, options(false));
  }
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return new AppError("CONFLICT", message, options(false));
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return new AppError("PROVIDER_NOT_CONFIGURED", message, options(false));
  }
  if (status === 404 || error.code === "resource_missing") {
    return new AppError("NOT_FOUND", message, options(false));
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    return new AppError("PROVIDER_REJECTED", message, options(false));
  }
  // StripeAPIError without a status, or anything unforeseen: assume transient.
  return new AppError("PROVIDER_UNAVAILABLE", message, options(true));
}
