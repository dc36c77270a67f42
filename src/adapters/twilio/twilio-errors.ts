import { deliveryErrorRule, retriesAutomatically } from "../../domain/delivery-errors.js";
import { AppError } from "../../domain/errors.js";

// Twilio failures as our one error type. Two sources: the API refusing a request (an HTTP
// error the SDK throws), and a message failing later (an ErrorCode on a status callback or
// on the fetched message). `retryable` follows compliance.md §4, kept as data in
// src/domain/delivery-errors.ts.

interface TwilioHttpFailure {
  status: number;
  message: string | undefined;
  code: number | undefined;
  moreInfo: string | undefined;
}

function httpFailureOf(error: unknown): TwilioHttpFailure | null {
  // RestException (legacy bodies) and TwilioServiceException (RFC 9457) both carry a numeric
  // HTTP status; network errors from axios do not.
  if (typeof error !== "object" || error === null || !("status" in error)) {
    return null;
  }
  const { status } = error as { status: unknown };
  if (typeof status !== "number") {
    return null;
  }
  const code = (error as { code?: unknown }).code;
  const moreInfo = (error as { moreInfo?: unknown }).moreInfo;
  const message = (error as { message?: unknown }).message;
  return {
    status,
    message: typeof message === "string" ? message : undefined,
    code: typeof code === "number" ? code : undefined,
    moreInfo: typeof moreInfo === "string" ? moreInfo : undefined,
  };
}

/** Twilio quotes numbers in its messages ("Invalid 'To' Phone Number: +1…"). */
function maskNumbers(text: string): string {
  return text.replace(/\+?\d[\d\s().-]{5,}\d/g, "[number]");
}

/** Any error from a Twilio SDK call, as an AppError (context.providerCode = Twilio's code). */
export function twilioErrorToAppError(error: unknown, operation: string): AppError {
  const failure = httpFailureOf(error);
  // No `cause`: axios errors carry the request (To, Body) and Twilio's messages quote the
  // phone number; a logged cause would leak both past the logger's redaction paths.
  if (failure === null) {
    const reason = maskNumbers(error instanceof Error ? error.message : String(error));
    const networkCode = (error as { code?: unknown } | null)?.code;
    return new AppError("PROVIDER_UNAVAILABLE", `Twilio ${operation} failed: ${reason}`, {
      retryable: true,
      context: {
        provider: "twilio",
        operation,
        networkCode: typeof networkCode === "string" ? networkCode : null,
      },
    });
  }
  // A refusal the delivery-error table retries (21611: the sender's queue is full) is worth
  // another try later; other 4xx are final.
  const retryable =
    failure.status === 429 ||
    failure.status >= 500 ||
    (failure.code !== undefined && retriesAutomatically(deliveryErrorRule(failure.code)));
  return new AppError(
    retryable ? "PROVIDER_UNAVAILABLE" : "PROVIDER_REJECTED",
    `Twilio ${operation} failed with HTTP ${failure.status}${failure.code ? ` (code ${failure.code})` : ""}`,
    {
      retryable,
      context: {
        provider: "twilio",
        operation,
        httpStatus: failure.status,
        providerMessage: failure.message === undefined ? null : maskNumbers(failure.message),
        providerCode: failure.code ?? null,
        moreInfo: failure.moreInfo ?? null,
      },
    },
  );
}

/**
 * A message that ended `failed`/`undelivered` with this ErrorCode, as an AppError. Whether it
 * is worth another try comes from the delivery-error table (src/domain/delivery-errors.ts,
 * compliance.md §4): 30003 (unreachable) and 30022 (throughput) are; 21610 (opted out),
 * 30006 (landline), 30007 (filtered) and any code the table does not know are not.
 */
export function twilioDeliveryError(code: number, messageSid?: string): AppError {
  const rule = deliveryErrorRule(code);
  const retryable = retriesAutomatically(rule);
  return new AppError(
    retryable ? "PROVIDER_UNAVAILABLE" : "PROVIDER_REJECTED",
    `Twilio could not deliver the message (code ${code}: ${rule.name})`,
    {
      retryable,
      context: {
        provider: "twilio",
        providerCode: code,
        deliveryClass: rule.class,
        messageSid: messageSid ?? null,
      },
    },
  );
}
