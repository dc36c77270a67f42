import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutRequest, SECRET_KEY, type StripeKit, startStripe } from "./stripe-harness.js";

// The emulator may not invent: every object it serves has exactly the top-level fields of
// Stripe's official fixture for that resource (stripe/openapi fixtures3.json), and where both
// values are present they have the same JSON type. Values differ (ids, amounts), and a field
// the fixture shows as null may be filled in, or the reverse, because Stripe declares those
// fields nullable.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const fixtures = JSON.parse(
  readFileSync(new URL("../../../../shared/specs/stripe_fixtures3.json", import.meta.url), "utf8"),
) as { resources: Record<string, Record<string, Json>> };

function kind(value: Json): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Differences between our object and the fixture, as readable lines (empty: conforms). */
function drift(resource: string, ours: Record<string, Json>): string[] {
  const fixture = fixtures.resources[resource];
  if (!fixture) {
    return [`no fixture for ${resource}`];
  }
  const problems: string[] = [];
  for (const key of Object.keys(fixture)) {
    if (!(key in ours)) {
      problems.push(`${resource}.${key}: missing`);
    }
  }
  for (const [key, value] of Object.entries(ours)) {
    if (!(key in fixture)) {
      problems.push(`${resource}.${key}: not in the fixture`);
      continue;
    }
    const theirs = fixture[key] as Json;
    if (value !== null && theirs !== null && kind(value) !== kind(theirs)) {
      problems.push(`${resource}.${key}: ${kind(value)} where the fixture has ${kind(theirs)}`);
    }
  }
  return problems;
}

let kit: StripeKit;
const wire = async (path: string): Promise<{ status: number; body: Record<string, Json> }> => {
  const response = await fetch(`${kit.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${SECRET_KEY}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, Json> };
};

let sessionId = "";
let openSessionId = "";
let intentId = "";

beforeAll(async () => {
  kit = await startStripe();
  const payments = kit.payments();
  openSessionId = (await payments.createCheckout(checkoutRequest())).sessionId;
  sessionId = (await payments.createCheckout(checkoutRequest())).sessionId;
  await kit.emulator.pay(sessionId, "succeeded");
  intentId = (await payments.retrieveCheckoutSession(sessionId)).paymentIntentId ?? "";
  await kit.emulator.refund(intentId, { amountMinor: 1_000 });
  await kit.emulator.dispute(intentId);
  const declined = (await payments.createCheckout(checkoutRequest())).sessionId;
  await kit.emulator.pay(declined, "failed");
  await kit.emulator.expire(declined);
  await kit.emulator.idle();
});
afterAll(async () => {
  await kit.close();
});

describe("emulator objects against Stripe's fixtures", () => {
  it("reads the fixture file (the check below would pass vacuously otherwise)", () => {
    expect(Object.keys(fixtures.resources["checkout.session"] ?? {}).length).toBeGreaterThan(40);
  });

  it("checkout.session, open and complete", async () => {
    for (const id of [openSessionId, sessionId]) {
      const { status, body } = await wire(`/v1/checkout/sessions/${id}`);
      expect(status).toBe(200);
      expect(drift("checkout.session", body)).toEqual([]);
    }
  });

  it("payment_intent", async () => {
    const { body } = await wire(`/v1/payment_intents/${intentId}`);
    expect(drift("payment_intent", body)).toEqual([]);
  });

  it("charge, refund and dispute (as events carry them)", async () => {
    const { body } = await wire("/v1/events?limit=100");
    const events = body.data as Array<Record<string, Json>>;
    const objectOf = (type: string): Record<string, Json> => {
      const data = events.find((event) => event.type === type)?.data as
        | { object: Record<string, Json> }
        | undefined;
      if (!data) {
        throw new Error(`no ${type} event`);
      }
      return data.object;
    };
    expect(drift("charge", objectOf("charge.refunded"))).toEqual([]);
    expect(drift("refund", objectOf("refund.created"))).toEqual([]);
    expect(drift("dispute", objectOf("charge.dispute.created"))).toEqual([]);
  });

  it("event, of every type the emulator emits, and the object each one carries", async () => {
    const { body } = await wire("/v1/events?limit=100");
    const events = body.data as Array<Record<string, Json>>;
    expect(new Set(events.map((event) => event.type)).size).toBeGreaterThanOrEqual(10);
    for (const event of events) {
      expect(drift("event", event)).toEqual([]);
      // The object inside each event is a snapshot of a resource: it conforms too.
      const object = (event.data as { object: Record<string, Json> }).object;
      expect(drift(String(object.object), object)).toEqual([]);
    }
    const list = body;
    expect(Object.keys(list).sort()).toEqual(["data", "has_more", "object", "url"]);
  });

  it("error: Stripe's envelope { error: { type, code, message, param, doc_url, request_log_url } }", async () => {
    // fixtures3.json has no error resource; the fields are those stripe-node reads
    // (reference §B1) and the types Stripe documents.
    expect(fixtures.resources.error).toBeUndefined();
    const { status, body } = await wire("/v1/checkout/sessions/cs_test_missing");
    expect(status).toBe(404);
    expect(Object.keys(body)).toEqual(["error"]);
    const error = body.error as Record<string, Json>;
    expect(Object.keys(error).sort()).toEqual(
      ["code", "doc_url", "message", "param", "request_log_url", "type"].sort(),
    );
    expect(error).toMatchObject({
      type: "invalid_request_error",
      code: "resource_missing",
      param: "id",
      message: "No such checkout.session: 'cs_test_missing'",
    });
    for (const value of Object.values(error)) {
      expect(typeof value).toBe("string");
    }
  });
});
