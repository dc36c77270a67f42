import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { paymentEventCursorAt } from "../../../src/app/payment-events-port.js";
import { checkoutRequest, START, type StripeKit, startStripe } from "./stripe-harness.js";

// Catching up on missed webhooks from the Events list: the emulator's list semantics through
// the raw SDK, and the adapter's cursor over them.

let kit: StripeKit;
beforeEach(async () => {
  kit = await startStripe();
});
afterEach(async () => {
  await kit.close();
});

/** Pays `count` sessions, one minute apart; each payment makes 4 events. */
async function payMany(count: number): Promise<string[]> {
  const sessions: string[] = [];
  for (let i = 0; i < count; i++) {
    const { sessionId } = await kit.payments().createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "succeeded");
    sessions.push(sessionId);
    kit.clock.advance(60_000);
  }
  await kit.emulator.idle();
  return sessions;
}

describe("Events list", () => {
  it("lists newest first and pages with limit, has_more and starting_after", async () => {
    await payMany(3);
    const sdk = kit.sdk();
    const all = await sdk.events.list({ limit: 100 });
    expect(all.object).toBe("list");
    expect(all.has_more).toBe(false);
    expect(all.data).toHaveLength(12);
    const created = all.data.map((event) => event.created);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    expect(all.data[0]?.type).toBe("checkout.session.completed");

    const first = await sdk.events.list({ limit: 5 });
    expect(first.has_more).toBe(true);
    const second = await sdk.events.list({ limit: 5, starting_after: first.data[4]?.id ?? "" });
    const third = await sdk.events.list({ limit: 5, starting_after: second.data[4]?.id ?? "" });
    expect(third.has_more).toBe(false);
    expect([...first.data, ...second.data, ...third.data].map((event) => event.id)).toEqual(
      all.data.map((event) => event.id),
    );

    // ending_before walks toward newer events: the page nearest the cursor, newest first.
    const newer = await sdk.events.list({ limit: 3, ending_before: third.data[0]?.id ?? "" });
    expect(newer.data.map((event) => event.id)).toEqual(
      second.data.slice(2).map((event) => event.id),
    );
    expect(newer.has_more).toBe(true);

    const auto: string[] = [];
    for await (const event of sdk.events.list({ limit: 4 })) {
      auto.push(event.id);
    }
    expect(auto).toEqual(all.data.map((event) => event.id));
  });

  it("filters by created[gt|gte|lt|lte], type wildcards and types", async () => {
    await payMany(3);
    const sdk = kit.sdk();
    const t0 = Math.floor(START.getTime() / 1000);
    const afterFirst = await sdk.events.list({ created: { gt: t0 } });
    expect(afterFirst.data).toHaveLength(8);
    const window = await sdk.events.list({ created: { gte: t0 + 60, lte: t0 + 60 } });
    expect(window.data).toHaveLength(4);
    const completed = await sdk.events.list({ type: "checkout.session.*" });
    expect(completed.data.map((event) => event.type)).toEqual(
      Array(3).fill("checkout.session.completed"),
    );
    const some = await sdk.events.list({ types: ["charge.succeeded", "payment_intent.succeeded"] });
    expect(new Set(some.data.map((event) => event.type))).toEqual(
      new Set(["charge.succeeded", "payment_intent.succeeded"]),
    );
    await expect(sdk.events.list({ limit: 101 })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      param: "limit",
    });
    await expect(sdk.events.list({ starting_after: "evt_missing" })).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("retrieves one event, and forgets events older than 30 days", async () => {
    await payMany(1);
    const sdk = kit.sdk();
    const [newest] = (await sdk.events.list({ limit: 1 })).data;
    const again = await sdk.events.retrieve(newest?.id ?? "");
    expect(again.id).toBe(newest?.id);
    kit.clock.advance(31 * 86_400_000);
    expect((await sdk.events.list()).data).toEqual([]);
    await expect(sdk.events.retrieve(newest?.id ?? "")).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("StripePayments.eventsSince", () => {
  it("catches up oldest first across pages, then returns only what is new", async () => {
    await payMany(3);
    const payments = kit.payments({ eventsPageSize: 5 });
    const first = await payments.eventsSince(paymentEventCursorAt(START));
    expect(first.events).toHaveLength(12);
    const times = first.events.map((event) => event.createdAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(first.events[0]?.type).toBe("payment_intent.created");
    expect(first.events[11]?.type).toBe("checkout.session.completed");
    expect(first.events[11]?.payload).toMatchObject({
      object: "event",
      type: "checkout.session.completed",
    });

    const nothing = await payments.eventsSince(first.cursor);
    expect(nothing.events).toEqual([]);
    expect(nothing.cursor).toEqual(first.cursor);

    await payMany(1);
    const more = await payments.eventsSince(nothing.cursor, {
      types: ["checkout.session.completed"],
    });
    expect(more.events.map((event) => event.type)).toEqual(["checkout.session.completed"]);
  });

  it("does not skip events created later in the same second as the cursor", async () => {
    const payments = kit.payments();
    const { sessionId } = await payments.createCheckout(checkoutRequest());
    await kit.emulator.pay(sessionId, "failed");
    const first = await payments.eventsSince(paymentEventCursorAt(START));
    expect(first.events.map((event) => event.type)).toEqual([
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
    ]);
    // Same second: the next payment's events share `created` with the ones already seen.
    await kit.emulator.pay(sessionId, "succeeded");
    const next = await payments.eventsSince(first.cursor);
    expect(next.events.map((event) => event.type)).toEqual([
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    expect((await payments.eventsSince(next.cursor)).events).toEqual([]);
  });
});
