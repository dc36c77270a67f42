import Stripe from "stripe";
import type {
  WebhookRequest,
  WebhookVerdict,
  WebhookVerifier,
} from "../../app/webhook-verifier-port.js";
import { AppError } from "../../domain/errors.js";

// `Stripe-Signature: t=…,v1=…` checked by the SDK's own verifier (HMAC-SHA256 over
// `${t}.${rawBody}`, constant-time comparison, any of several v1 values may match). The
// SDK's `receivedAt` argument lets the age check run against our clock instead of the
// machine's, so the sandbox's shared clock and tests' fake clocks are honoured.

export interface StripeWebhookVerifierOptions {
  /** The endpoint's signing secret, `whsec_…`. */
  webhookSecret: string;
  /** Maximum age of the signed timestamp, in seconds (Stripe's default: 300). */
  toleranceSeconds?: number;
}

export class StripeWebhookVerifier implements WebhookVerifier {
  readonly provider = "stripe";
  private readonly secret: string;
  private readonly tolerance: number;

  constructor(options: StripeWebhookVerifierOptions) {
    if (!options.webhookSecret.trim()) {
      // Never "accept when no secret is configured".
      throw new AppError("PROVIDER_NOT_CONFIGURED", "Stripe webhooks need a signing secret");
    }
    this.secret = options.webhookSecret;
    this.tolerance = options.toleranceSeconds ?? Stripe.webhooks.DEFAULT_TOLERANCE;
    if (this.tolerance <= 0) {
      // 0 would switch the SDK's age check off and let old requests be replayed.
      throw new AppError("VALIDATION_FAILED", "The Stripe webhook tolerance must be positive");
    }
  }

  verify(request: WebhookRequest, now: Date): WebhookVerdict {
    const header = request.headers["stripe-signature"];
    if (typeof header !== "string" || header === "") {
      return { ok: false, reason: "missing Stripe-Signature header" };
    }
    try {
      Stripe.webhooks.constructEvent(
        request.rawBody,
        header,
        this.secret,
        this.tolerance,
        undefined,
        now.getTime(),
      );
      return { ok: true };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        return { ok: false, reason: error.message.split("\n")[0] ?? "signature mismatch" };
      }
      // The signature matched but the body is not JSON: still not an event we can take.
      return { ok: false, reason: "signed body is not a JSON event" };
    }
  }
}
