import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { statusForCode } from "../error-handler.js";
import type { WebhookRouteDeps } from "./webhook-route-deps.js";

// POST /webhooks/stripe: verify the signature on the exact bytes Stripe sent (re-serialized
// JSON would not match), then store the event; the pipeline processes it. Redeliveries carry
// the same event id, which the store keys on, so they are no-ops.

/** Only what storing needs; the pipeline validates the object it acts on. */
const stripeEvent = z.object({
  id: z.string().startsWith("evt_"),
  object: z.literal("event"),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const RAW_BODY_LIMIT = 1024 * 1024;

export function stripeWebhookRoutes(deps: WebhookRouteDeps): FastifyPluginAsync {
  // Not wrapped in fastify-plugin: the raw-body parser below stays inside this plugin.
  return async (app) => {
    if (app.hasContentTypeParser("application/json")) {
      app.removeContentTypeParser("application/json");
    }
    app.addContentTypeParser(
      "application/json",
      { parseAs: "buffer", bodyLimit: RAW_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );

    app.post("/webhooks/stripe", async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = deps.verifier.verify(
        {
          rawBody,
          headers: request.headers,
          url: new URL(request.url, deps.publicBaseUrl).toString(),
        },
        deps.clock.now(),
      );
      if (!verdict.ok) {
        // The reason may quote header fragments; the log names the provider and nothing else.
        deps.logger.warn({ provider: "stripe" }, "webhook rejected: signature did not verify");
        return reply.status(statusForCode("WEBHOOK_SIGNATURE_INVALID")).send({
          error: "WEBHOOK_SIGNATURE_INVALID",
          message: "The Stripe-Signature header does not verify for this body and time.",
        });
      }

      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody.toString("utf8"));
      } catch {
        parsed = null;
      }
      const event = stripeEvent.safeParse(parsed);
      if (!event.success) {
        deps.logger.warn({ provider: "stripe" }, "webhook rejected: not a Stripe event");
        return reply.status(statusForCode("VALIDATION_FAILED")).send({
          error: "VALIDATION_FAILED",
          message: "The body is not a Stripe event.",
        });
      }

      await deps.receive({
        provider: "stripe",
        externalId: event.data.id,
        type: "stripe.event",
        payload: parsed,
      });
      return reply.status(200).send({ received: true });
    });
  };
}
