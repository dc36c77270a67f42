import twilio from "twilio";
import type {
  WebhookRequest,
  WebhookVerdict,
  WebhookVerifier,
} from "../../app/webhook-verifier-port.js";

// X-Twilio-Signature through the SDK's own validateRequest: HMAC-SHA1 with the auth token
// over the public URL Twilio called plus the sorted form fields, compared in constant time.
// Twilio signs no timestamp, so there is nothing to be stale; redeliveries are deduplicated
// by the pipeline (UNIQUE provider + external id).

export interface TwilioWebhookVerifierOptions {
  authToken: string;
}

export class TwilioWebhookVerifier implements WebhookVerifier {
  readonly provider = "twilio";

  constructor(private readonly options: TwilioWebhookVerifierOptions) {
    if (!options.authToken) {
      // Never "accept everything when unconfigured".
      throw new Error("TwilioWebhookVerifier needs an auth token");
    }
  }

  verify(request: WebhookRequest, _now: Date): WebhookVerdict {
    const header = request.headers["x-twilio-signature"];
    if (typeof header !== "string" || header === "") {
      return { ok: false, reason: "missing X-Twilio-Signature" };
    }
    // The fields are taken from the raw bytes unless the route already parsed those bytes.
    const params =
      request.form ?? Object.fromEntries(new URLSearchParams(request.rawBody.toString("utf8")));
    return twilio.validateRequest(this.options.authToken, header, request.url, params)
      ? { ok: true }
      : { ok: false, reason: "X-Twilio-Signature does not match" };
  }
}
