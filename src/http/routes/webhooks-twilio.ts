import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { redactCardNumbers } from "../../domain/card-numbers.js";
import type { WebhookRouteDeps } from "./webhook-route-deps.js";

// Twilio's two webhooks: inbound messages and message status callbacks. The signature covers
// the public URL and every form field, so the raw bytes are kept and checked before anything
// else; a redelivery carries the same MessageSid (and status), so the pipeline stores it once.

const FORM = "application/x-www-form-urlencoded";
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

interface FormBody {
  raw: Buffer;
  form: Record<string, string>;
}

const inboundSms = z.object({
  MessageSid: z.string().min(1),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string(),
});

const statusCallback = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
});

function isFormBody(body: unknown): body is FormBody {
  return typeof body === "object" && body !== null && Buffer.isBuffer((body as FormBody).raw);
}

export function twilioWebhookRoutes(deps: WebhookRouteDeps): FastifyPluginAsync {
  /** Verifies the request; on failure answers it and returns null. */
  async function verified(request: FastifyRequest, reply: FastifyReply): Promise<FormBody | null> {
    if (!isFormBody(request.body)) {
      deps.logger.warn({ provider: "twilio" }, "webhook rejected: not form-encoded");
      await reply.status(415).send({ error: "UNSUPPORTED_MEDIA_TYPE" });
      return null;
    }
    const verdict = deps.verifier.verify(
      {
        rawBody: request.body.raw,
        headers: request.headers,
        url: `${deps.publicBaseUrl.replace(/\/+$/, "")}${request.url}`,
        form: request.body.form,
      },
      deps.clock.now(),
    );
    if (!verdict.ok) {
      // Names the provider and the reason only: never the body or the phone number.
      deps.logger.warn(
        { provider: "twilio", reason: verdict.reason },
        "webhook signature rejected",
      );
      await reply.status(403).send({ error: "WEBHOOK_SIGNATURE_INVALID" });
      return null;
    }
    return request.body;
  }

  return async (app) => {
    // Encapsulated in this plugin: the rest of the app keeps whatever form handling it has.
    if (app.hasContentTypeParser(FORM)) {
      app.removeContentTypeParser(FORM);
    }
    app.addContentTypeParser(FORM, { parseAs: "buffer" }, (_request, body, done) => {
      const raw = body as Buffer;
      done(null, {
        raw,
        form: Object.fromEntries(new URLSearchParams(raw.toString("utf8"))),
      } satisfies FormBody);
    });

    app.post("/webhooks/twilio/sms", async (request, reply) => {
      const body = await verified(request, reply);
      if (body === null) {
        return reply;
      }
      const parsed = inboundSms.safeParse(body.form);
      if (!parsed.success) {
        return reply
          .status(400)
          .send({ error: "VALIDATION_FAILED", message: "not an SMS webhook" });
      }
      // The signature was checked on the raw bytes; what is stored never holds a card number.
      const card = redactCardNumbers(parsed.data.Body);
      await deps.receive({
        provider: "twilio",
        externalId: parsed.data.MessageSid,
        type: "twilio.sms",
        payload: card.redacted
          ? { ...body.form, Body: card.text, CardNumberRedacted: "true" }
          : body.form,
      });
      // Replies go out through the outbox (with consent and caps checked), never as TwiML.
      return reply.status(200).header("content-type", "text/xml").send(EMPTY_TWIML);
    });

    app.post("/webhooks/twilio/status", async (request, reply) => {
      const body = await verified(request, reply);
      if (body === null) {
        return reply;
      }
      const parsed = statusCallback.safeParse(body.form);
      if (!parsed.success) {
        return reply
          .status(400)
          .send({ error: "VALIDATION_FAILED", message: "not a status callback" });
      }
      await deps.receive({
        provider: "twilio",
        externalId: `${parsed.data.MessageSid}:${parsed.data.MessageStatus}`,
        type: "twilio.status",
        payload: body.form,
      });
      return reply.status(204).send();
    });
  };
}
