import { type PaymentEvents, paymentEventCursorAt } from "./payment-events-port.js";
import type { PaymentEventCursorStore } from "./payment-store-port.js";
import type { Clock, Logger, NewInboundEvent } from "./ports.js";
import { RECONCILED_STRIPE_EVENT_TYPES } from "./reconcile-stripe-event.js";

// The safety net behind Stripe webhooks (DESIGN §6): before every scheduler pass, list the
// Stripe events created since the stored cursor and store each one exactly as the webhook
// route would (provider "stripe", the event id as external id), so an event seen by both is
// processed once. With nothing new this costs one Events list call and no write.

/**
 * With no cursor yet, start this far back: Stripe keeps events for 30 days, so this is
 * everything it can still tell us. Replaying old events is harmless (each is stored once,
 * and payments without a duetext reference are recorded as not ours).
 */
const FIRST_RUN_LOOKBACK_MS = 30 * 86_400_000;

export interface CatchUpStripeDeps {
  events: Pick<PaymentEvents, "eventsSince">;
  cursors: PaymentEventCursorStore;
  /** `receiveInboundEvent`: stores the event (a duplicate is a no-op) and processes it. */
  receive(event: Omit<NewInboundEvent, "receivedAt">): Promise<unknown>;
  clock: Clock;
  logger: Logger;
}

export interface CatchUpSummary {
  /** Events listed that this pass had not seen (some may have come by webhook already). */
  events: number;
}

export async function catchUpStripePayments(deps: CatchUpStripeDeps): Promise<CatchUpSummary> {
  const stored = await deps.cursors.read();
  const cursor =
    stored ?? paymentEventCursorAt(new Date(deps.clock.now().getTime() - FIRST_RUN_LOOKBACK_MS));
  const listed = await deps.events.eventsSince(cursor, {
    types: [...RECONCILED_STRIPE_EVENT_TYPES],
  });
  for (const event of listed.events) {
    // Stored in creation order; if storing fails the cursor stays put and the next pass
    // lists these again (the ones already stored are recognised as duplicates).
    await deps.receive({
      provider: "stripe",
      externalId: event.id,
      type: "stripe.event",
      payload: event.payload,
    });
  }
  if (listed.events.length > 0 || !stored) {
    await deps.cursors.save(listed.cursor, deps.clock.now());
  }
  if (listed.events.length > 0) {
    deps.logger.info(
      { provider: "stripe", events: listed.events.length },
      "Stripe events caught up",
    );
  }
  return { events: listed.events.length };
}
