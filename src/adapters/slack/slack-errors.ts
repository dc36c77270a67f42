import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from "@slack/web-api";
import { AppError } from "../../domain/errors.js";

// @slack/web-api errors → our AppError. Retryable: the outbox will try again later and it can
// help (rate limits, Slack 5xx, network). Not retryable: a person must fix configuration or
// the request (bad token, bot not in channel, bad blocks).

/** Platform errors Slack documents as transient; everything else is a rejection. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  "ratelimited",
  "rate_limited",
  "request_timeout",
  "service_unavailable",
  "fatal_error",
  "internal_error",
]);

interface CodedSlackError {
  code: string;
}

function hasSlackCode(error: unknown): error is CodedSlackError {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof (error as { code: unknown }).code === "string" &&
    (error as { code: string }).code.startsWith("slack_webapi_")
  );
}

export function slackError(error: unknown, method: string): AppError {
  if (!hasSlackCode(error)) {
    return new AppError("PROVIDER_UNAVAILABLE", `Slack ${method} failed: ${String(error)}`, {
      retryable: true,
      cause: error,
      context: { provider: "slack", method },
    });
  }
  const context: Record<string, unknown> = { provider: "slack", method };
  switch (error.code) {
    case ErrorCode.PlatformError: {
      const slackCode = (error as WebAPIPlatformError).data.error;
      const retryable = TRANSIENT_PLATFORM_ERRORS.has(slackCode);
      return new AppError(
        retryable ? "PROVIDER_UNAVAILABLE" : "PROVIDER_REJECTED",
        `Slack ${method} failed: ${slackCode}`,
        { retryable, cause: error, context: { ...context, slackError: slackCode } },
      );
    }
    case ErrorCode.RateLimitedError: {
      const retryAfterSeconds = (error as WebAPIRateLimitedError).retryAfter;
      return new AppError("PROVIDER_UNAVAILABLE", `Slack ${method} was rate limited`, {
        retryable: true,
        cause: error,
        context: { ...context, slackError: "ratelimited", retryAfterSeconds },
      });
    }
    case ErrorCode.HTTPError: {
      const status = (error as WebAPIHTTPError).statusCode;
      // Slack answers 200 for its own errors; another status is a proxy or outage, except a
      // 4xx that says our request itself is wrong (400/404/410 do not heal on retry).
      const retryable = status >= 500 || status === 408 || status === 429;
      return new AppError(
        retryable ? "PROVIDER_UNAVAILABLE" : "PROVIDER_REJECTED",
        `Slack ${method} answered HTTP ${status}`,
        { retryable, cause: error, context: { ...context, status } },
      );
    }
    case ErrorCode.RequestError:
      return new AppError("PROVIDER_UNAVAILABLE", `Slack ${method} unreachable`, {
        retryable: true,
        cause: error,
        context,
      });
    default:
      return new AppError("PROVIDER_REJECTED", `Slack ${method} failed: ${error.code}`, {
        retryable: false,
        cause: error,
        context,
      });
  }
}
