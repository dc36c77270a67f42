import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { WebhookRouteDeps } from "./webhook-route-deps.js";

// QuickBooks webhooks: a JSON array of CloudEvents (or, from apps not yet migrated, the legacy
// `eventNotifications` object), signed with intuit-signature over the raw bytes. The signature
// is checked before the body is even parsed; each event is then stored under its id, so
// Intuit's redeliveries (same id) are no-ops. Events carry only ids: the pipeline re-reads.

const JSON_TYPES = ["application/json", "application/cloudevents+json"];

const cloudEvent = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  intuitaccountid: z.string().optional(),
  intuitentityid: z.string().optional(),
});

const legacyNotification = z.object({
  eventNotifications: z.array(
    z.object({
      realmId: z.string(),
      dataChangeEvent: z.object({
        entities: z.array(
          z.object({
            name: z.string(),
            id: z.string(),
            operation: z.string(),
            lastUpdated: z.string(),
          }),
        ),
      }),
    }),
  ),
});

export function quickbooksWebhookRoutes(deps: WebhookRouteDeps): FastifyPluginAsync {
  return async (app) => {
    // Encapsulated: only this plugin sees raw bytes instead of parsed JSON.
    for (const type of JSON_TYPES) {
      if (app.hasContentTypeParser(type)) {
        app.removeContentTypeParser(type);
      }
    }
    app.addContentTypeParser(JSON_TYPES, { parseAs: "buffer" }, (_request, body, done) => {
      done(null, body);
    });

    app.post("/webhooks/quickbooks", async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = deps.verifier.verify(
        {
          rawBody,
          headers: request.headers,
          url: `${deps.publicBaseUrl.replace(/\/+$/, "")}${request.url}`,
        },
        deps.clock.now(),
      );
      if (!verdict.ok) {
        // The provider and the reason only: never the body, the realm or the signature.
        deps.logger.warn(
          { provider: "quickbooks", reason: verdict.reason },
          "webhook signature rejected",
        );
        return reply.status(401).send({ error: "WEBHOOK_SIGNATURE_INVALID" });
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        return reply.status(400).send({ error: "VALIDATION_FAILED", message: "body is not JSON" });
      }

      if (Array.isArray(body)) {
        for (const item of body) {
          const parsed = cloudEvent.safeParse(item);
          if (!parsed.success) {
            // Intuit retries the whole POST on a 4xx, so one odd event must not block the rest.
            deps.logger.warn(
              { provider: "quickbooks" },
              "webhook event without id or type skipped",
            );
            continue;
          }
          await deps.receive({
            provider: "quickbooks",
            externalId: parsed.data.id,
            type: "quickbooks.event",
            payload: item,
          });
        }
        return reply.status(200).send({ ok: true });
      }

      const legacy = legacyNotification.safeParse(body);
      if (!legacy.success) {
        return reply
          .status(400)
          .send({ error: "VALIDATION_FAILED", message: "not a QuickBooks notification" });
      }
      for (const notification of legacy.data.eventNotifications) {
        for (const entity of notification.dataChangeEvent.entities) {
          // Legacy events have no id: realm, entity, operation and time identify one.
          await deps.receive({
            provider: "quickbooks",
            externalId: `${notification.realmId}:${entity.name}:${entity.id}:${entity.operation}:${entity.lastUpdated}`,
            type: "quickbooks.event",
            payload: { realmId: notification.realmId, ...entity },
          });
        }
      }
      return reply.status(200).send({ ok: true });
    });
  };
}
