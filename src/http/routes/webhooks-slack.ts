import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { WebhookRouteDeps } from "./webhook-route-deps.js";

// Slack's two request URLs: Interactivity (button clicks, form-encoded `payload=`) and the
// Events API (JSON). Both are verified on the raw bytes before anything is parsed, then stored
// through `receive` (idempotent on provider + external id) and answered at once: Slack gives
// an app 3 seconds and the pipeline does the work afterwards.

const MAX_BODY_BYTES = 1024 * 1024;

interface BlockActionsPayload {
  type: "block_actions";
  container?: { message_ts?: unknown };
  message?: { ts?: unknown };
  actions?: Array<{ action_ts?: unknown }>;
}

export function slackWebhookRoutes(deps: WebhookRouteDeps): FastifyPluginAsync {
  return async (app) => {
    // Encapsulated (no fastify-plugin): these raw-body parsers apply to Slack's routes only.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      ["application/x-www-form-urlencoded", "application/json"],
      { parseAs: "buffer", bodyLimit: MAX_BODY_BYTES },
      (_request, body, done) => {
        done(null, body);
      },
    );

    const verified = (request: FastifyRequest, reply: FastifyReply): Buffer | null => {
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
        // The provider only: never the body, headers, signature or secret.
        deps.logger.warn({ provider: "slack" }, "rejected a webhook with an invalid signature");
        void reply.status(401).send({ error: "WEBHOOK_SIGNATURE_INVALID" });
        return null;
      }
      return rawBody;
    };

    const rejectBody = (reply: FastifyReply, message: string) =>
      reply.status(400).send({ error: "VALIDATION_FAILED", message });

    app.post("/webhooks/slack/actions", async (request, reply) => {
      const rawBody = verified(request, reply);
      if (rawBody === null) {
        return reply;
      }
      const json = new URLSearchParams(rawBody.toString("utf8")).get("payload");
      if (json === null) {
        return rejectBody(reply, "Slack interactivity requests carry a `payload` form field");
      }
      const payload = parseObject(json);
      if (payload === null || typeof payload.type !== "string") {
        return rejectBody(reply, "The `payload` field is not a Slack interaction object");
      }
      if (payload.type !== "block_actions") {
        // Shortcuts, view submissions…: none are configured; acknowledge so Slack shows no error.
        deps.logger.info({ provider: "slack", type: payload.type }, "ignored a Slack interaction");
        return reply.status(200).send();
      }
      const action = payload as unknown as BlockActionsPayload;
      const messageTs = action.container?.message_ts ?? action.message?.ts;
      const actionTs = action.actions?.[0]?.action_ts;
      if (typeof messageTs !== "string" || typeof actionTs !== "string") {
        return rejectBody(
          reply,
          "A block_actions payload needs container.message_ts and action_ts",
        );
      }
      await deps.receive({
        provider: "slack",
        // Slack never resends a click, but a proxy or our own retry might: the message and
        // the moment of the click identify it.
        externalId: `${messageTs}:${actionTs}`,
        type: "slack.action",
        payload,
      });
      return reply.status(200).send();
    });

    app.post("/webhooks/slack/events", async (request, reply) => {
      const rawBody = verified(request, reply);
      if (rawBody === null) {
        return reply;
      }
      const envelope = parseObject(rawBody.toString("utf8"));
      if (envelope === null || typeof envelope.type !== "string") {
        return rejectBody(reply, "Slack Events API requests are JSON objects with a `type`");
      }
      if (envelope.type === "url_verification") {
        if (typeof envelope.challenge !== "string") {
          return rejectBody(reply, "url_verification without a challenge");
        }
        return reply.status(200).send({ challenge: envelope.challenge });
      }
      if (envelope.type !== "event_callback") {
        deps.logger.info({ provider: "slack", type: envelope.type }, "ignored a Slack event type");
        return reply.status(200).send();
      }
      if (typeof envelope.event_id !== "string" || envelope.event_id === "") {
        return rejectBody(reply, "event_callback without an event_id");
      }
      // Slack retries (X-Slack-Retry-Num) reuse the event_id, so a retry is a no-op here.
      await deps.receive({
        provider: "slack",
        externalId: envelope.event_id,
        type: "slack.event",
        payload: envelope,
      });
      return reply.status(200).send();
    });
  };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
