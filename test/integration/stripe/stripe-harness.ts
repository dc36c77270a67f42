import Fastify from "fastify";
import Stripe from "stripe";
import {
  StripePayments,
  type StripePaymentsOptions,
} from "../../../src/adapters/stripe/stripe-payments.js";
import { StripeWebhookVerifier } from "../../../src/adapters/stripe/stripe-webhook-verifier.js";
import type { NewInboundEvent } from "../../../src/app/ports.js";
import { stripeWebhookRoutes } from "../../../src/http/routes/webhooks-stripe.js";
import {
  StripeEmulator,
  type StripeEmulatorSecrets,
} from "../../../src/sandbox/emulators/stripe/stripe-emulator.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { startEmulator } from "../../helpers/start-emulator.js";

// The whole Stripe path on loopback: the emulator on one port, and a stand-in for the app on
// another (just the real webhook route with the real verifier, recording what it stores).

export const SECRET_KEY = "sk_test_duetext_emulator_123";
export const WEBHOOK_SECRET = "whsec_duetext_emulator_456";
export const START = new Date("2026-11-20T15:00:00Z");

export type Received = Omit<NewInboundEvent, "receivedAt">;

export async function startStripe(
  secrets: Partial<StripeEmulatorSecrets> = {},
  options: {
    failReceive?: () => boolean;
    /** Deliver webhooks here instead of to the stand-in app (a raw recorder, say). */
    appBaseUrl?: string;
  } = {},
) {
  const clock = new FakeClock(START);
  const logger = new MemoryLogger();
  const appLogger = new MemoryLogger();
  const received: Received[] = [];

  const app = Fastify({ logger: false });
  await app.register(
    stripeWebhookRoutes({
      verifier: new StripeWebhookVerifier({ webhookSecret: WEBHOOK_SECRET }),
      receive: async (event) => {
        if (options.failReceive?.()) {
          throw new Error("database down");
        }
        received.push(event);
        return { duplicate: false };
      },
      publicBaseUrl: "http://127.0.0.1",
      clock,
      logger: appLogger,
    }),
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const appBaseUrl =
    options.appBaseUrl ??
    `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  const started = await startEmulator(
    (selfBaseUrl) =>
      new StripeEmulator(
        { clock, logger, appBaseUrl, selfBaseUrl },
        { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, ...secrets },
      ),
  );
  const port = Number(new URL(started.baseUrl).port);
  const apiBase = { host: "127.0.0.1", port, protocol: "http" as const };

  return {
    clock,
    logger,
    appLogger,
    received,
    emulator: started.emulator,
    baseUrl: started.baseUrl,
    apiBase,
    /** The raw SDK, as the adapter configures it, for wire-level assertions. */
    sdk: (key = SECRET_KEY, maxNetworkRetries = 0) =>
      new Stripe(key, { ...apiBase, maxNetworkRetries, telemetry: false }),
    payments: (extra: Partial<StripePaymentsOptions> = {}) =>
      new StripePayments({ secretKey: SECRET_KEY, apiBase, maxNetworkRetries: 0, ...extra }),
    /** Types of the events the app's endpoint stored, in arrival order. */
    receivedTypes: () => received.map((event) => (event.payload as { type: string }).type),
    async close() {
      await started.emulator.idle();
      await started.close();
      await app.close();
    },
  };
}

export type StripeKit = Awaited<ReturnType<typeof startStripe>>;

export function checkoutRequest(
  overrides: Partial<Parameters<StripePayments["createCheckout"]>[0]> = {},
) {
  return {
    companyId: "co_acme",
    threadId: "th_42",
    invoiceIds: ["iv_130", "iv_131"],
    amountMinor: 36_207,
    currency: "USD",
    successUrl: "http://127.0.0.1/p/tok/thanks?session={CHECKOUT_SESSION_ID}",
    cancelUrl: "http://127.0.0.1/p/tok",
    idempotencyKey: `pay-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}
