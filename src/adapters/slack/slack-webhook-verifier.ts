import { createHmac, timingSafeEqual } from "node:crypto";
import type {
  WebhookRequest,
  WebhookVerdict,
  WebhookVerifier,
} from "../../app/webhook-verifier-port.js";

// Slack's v0 request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
// hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body)). @slack/web-api has no
// verifier (Bolt's lives in its receivers), so this is written on node:crypto.

/** Slack's replay window; checked on both sides because a clock ahead is as suspect as behind. */
const TOLERANCE_SECONDS = 5 * 60;

export interface SlackWebhookVerifierOptions {
  signingSecret: string;
}

export class SlackWebhookVerifier implements WebhookVerifier {
  readonly provider = "slack";
  private readonly signingSecret: string;

  constructor(options: SlackWebhookVerifierOptions) {
    // Never "accept when no secret is configured": an empty secret is a wiring bug.
    if (!options.signingSecret) {
      throw new Error("SlackWebhookVerifier needs a signing secret");
    }
    this.signingSecret = options.signingSecret;
  }

  verify(request: WebhookRequest, now: Date): WebhookVerdict {
    const timestamp = header(request.headers, "x-slack-request-timestamp");
    const signature = header(request.headers, "x-slack-signature");
    if (timestamp === undefined || signature === undefined) {
      return { ok: false, reason: "missing X-Slack-Request-Timestamp or X-Slack-Signature" };
    }
    if (!/^\d{1,12}$/.test(timestamp)) {
      return { ok: false, reason: "malformed X-Slack-Request-Timestamp" };
    }
    const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
    if (skew > TOLERANCE_SECONDS) {
      return { ok: false, reason: "timestamp outside the 5-minute window" };
    }
    if (!/^v0=[0-9a-f]{64}$/.test(signature)) {
      return { ok: false, reason: "malformed X-Slack-Signature" };
    }
    const expected = Buffer.from(
      `v0=${slackSignature(this.signingSecret, timestamp, request.rawBody)}`,
      "utf8",
    );
    const given = Buffer.from(signature, "utf8");
    // Both are "v0=" + 64 hex chars here, so the lengths match and the compare is constant time.
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: "signature mismatch" };
    }
    return { ok: true };
  }
}

/** The hex HMAC without the "v0=" prefix. */
export function slackSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac("sha256", secret)
    .update(`v0:${timestamp}:`, "utf8")
    .update(rawBody)
    .digest("hex");
}

function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) {
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}
