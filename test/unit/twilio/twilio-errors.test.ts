import twilio from "twilio";
import { describe, expect, it } from "vitest";
import {
  twilioDeliveryError,
  twilioErrorToAppError,
} from "../../../src/adapters/twilio/twilio-errors.js";

function restException(status: number, code: number, message: string) {
  return new twilio.RestException({
    statusCode: status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  });
}

describe("twilioErrorToAppError", () => {
  it("makes 4xx validation errors final, with Twilio's code", () => {
    const error = twilioErrorToAppError(
      restException(400, 21211, "Invalid 'To' Phone Number: +15555550100"),
      "messages.create",
    );
    expect(error.retryable).toBe(false);
    expect(error.code).toBe("PROVIDER_REJECTED");
    expect(error.context.providerCode).toBe(21211);
    expect(error.context.httpStatus).toBe(400);
    // The customer's number stays out of the message that gets logged.
    expect(error.context.providerMessage).toBe("Invalid 'To' Phone Number: [number]");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain("5550100");
  });

  it("makes 429 and 5xx retryable", () => {
    for (const [status, code] of [
      [429, 20429],
      [500, 20500],
      [503, 20503],
    ] as const) {
      const error = twilioErrorToAppError(restException(status, code, "busy"), "messages.create");
      expect(error.retryable).toBe(true);
      expect(error.code).toBe("PROVIDER_UNAVAILABLE");
      expect(error.context.providerCode).toBe(code);
    }
  });

  it("retries a refusal the delivery-error table retries (21611: the sender's queue is full)", () => {
    const error = twilioErrorToAppError(
      restException(
        400,
        21611,
        "This 'From' number has exceeded the maximum number of queued messages",
      ),
      "messages.create",
    );
    expect(error.retryable).toBe(true);
    expect(error.context.providerCode).toBe(21611);
  });

  it("makes network failures retryable", () => {
    const error = twilioErrorToAppError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "messages.create",
    );
    expect(error.retryable).toBe(true);
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(error.context.networkCode).toBe("ECONNREFUSED");
    // The axios error (which carries the request's To and Body) is not kept as the cause.
    expect(error.cause).toBeUndefined();
  });
});

describe("twilioDeliveryError", () => {
  it("classifies delivery codes as compliance.md §4 does", () => {
    expect(twilioDeliveryError(30003).retryable).toBe(true);
    expect(twilioDeliveryError(30022).retryable).toBe(true);
    expect(twilioDeliveryError(30006).retryable).toBe(false);
    expect(twilioDeliveryError(30007).retryable).toBe(false);
    expect(twilioDeliveryError(21610).retryable).toBe(false);
    // A code the table does not know is never retried automatically (REQ-47).
    expect(twilioDeliveryError(30450).retryable).toBe(false);
    expect(twilioDeliveryError(30007, "SM1").context).toMatchObject({
      provider: "twilio",
      providerCode: 30007,
      messageSid: "SM1",
    });
  });
});
