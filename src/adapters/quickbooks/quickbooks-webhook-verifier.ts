import { createHmac, timingSafeEqual } from "node:crypto";
import type {
  WebhookRequest,
  WebhookVerdict,
  WebhookVerifier,
} from "../../app/webhook-verifier-port.js";

// intuit-signature = base64(HMAC-SHA256(verifier token, raw body)), compared in constant time
// on the raw bytes (Intuit's own sample re-serializes the parsed body, which breaks on any
// whitespace difference). The signature covers no URL and no timestamp, so there is no
// staleness to check: redeliveries are absorbed by the event id.

export class QuickBooksWebhookVerifier implements WebhookVerifier {
  readonly provider = "quickbooks";

  constructor(private readonly verifierToken: string) {
    if (!verifierToken) {
      throw new Error("QuickBooks webhook verifier token is required");
    }
  }

  verify(request: WebhookRequest, _now: Date): WebhookVerdict {
    const header = request.headers["intuit-signature"];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) {
      return { ok: false, reason: "missing intuit-signature header" };
    }
    const expected = createHmac("sha256", this.verifierToken).update(request.rawBody).digest();
    const given = Buffer.from(signature, "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: "intuit-signature does not match the body" };
    }
    return { ok: true };
  }
}
