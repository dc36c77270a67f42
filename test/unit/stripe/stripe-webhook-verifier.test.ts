import { describe, expect, it } from "vitest";
import { StripeWebhookVerifier } from "../../../src/adapters/stripe/stripe-webhook-verifier.js";
import { stripeSignatureHeader } from "../../../src/sandbox/emulators/stripe/webhook-sender.js";

// The verifier against Stripe's own published sample (reference §B4, produced by
// stripe-node's generateTestHeaderString), and the emulator's signer against the verifier.

const SAMPLE_PAYLOAD =
  '{"id":"evt_1","object":"event","type":"checkout.session.completed","data":{"object":{"id":"cs_test_1","object":"checkout.session"}}}';
const SAMPLE_HEADER =
  "t=1795235327,v1=6c16dfad864ed32d628a0888afba9febc0e78d8c5af327ff8401ff6eb3d2d16b";
const SAMPLE_T = 1795235327;

const request = (body: string, header: string) => ({
  rawBody: Buffer.from(body, "utf8"),
  headers: { "stripe-signature": header },
  url: "https://duetext.example/webhooks/stripe",
});

describe("StripeWebhookVerifier", () => {
  const verifier = new StripeWebhookVerifier({ webhookSecret: "whsec_test" });

  it("accepts Stripe's sample signature at its own time", () => {
    expect(
      verifier.verify(request(SAMPLE_PAYLOAD, SAMPLE_HEADER), new Date(SAMPLE_T * 1000)),
    ).toEqual({ ok: true });
  });

  it("judges age by the clock it is given, not the machine's", () => {
    const at = (seconds: number) => new Date((SAMPLE_T + seconds) * 1000);
    expect(verifier.verify(request(SAMPLE_PAYLOAD, SAMPLE_HEADER), at(300)).ok).toBe(true);
    const stale = verifier.verify(request(SAMPLE_PAYLOAD, SAMPLE_HEADER), at(301));
    expect(stale).toEqual({ ok: false, reason: "Timestamp outside the tolerance zone" });
  });

  it("honours a narrower tolerance", () => {
    const strict = new StripeWebhookVerifier({ webhookSecret: "whsec_test", toleranceSeconds: 10 });
    const at = new Date((SAMPLE_T + 11) * 1000);
    expect(strict.verify(request(SAMPLE_PAYLOAD, SAMPLE_HEADER), at).ok).toBe(false);
  });

  it("rejects a changed byte, another secret, and a missing header", () => {
    const now = new Date(SAMPLE_T * 1000);
    expect(verifier.verify(request(`${SAMPLE_PAYLOAD} `, SAMPLE_HEADER), now).ok).toBe(false);
    const other = new StripeWebhookVerifier({ webhookSecret: "whsec_other" });
    expect(other.verify(request(SAMPLE_PAYLOAD, SAMPLE_HEADER), now).ok).toBe(false);
    expect(
      verifier.verify({ rawBody: Buffer.from(SAMPLE_PAYLOAD), headers: {}, url: "x" }, now),
    ).toEqual({ ok: false, reason: "missing Stripe-Signature header" });
  });

  it("accepts what the emulator signs, with the same header Stripe would send", () => {
    expect(stripeSignatureHeader(SAMPLE_PAYLOAD, "whsec_test", SAMPLE_T)).toBe(SAMPLE_HEADER);
  });

  it("refuses to exist without a secret or with the age check switched off", () => {
    expect(() => new StripeWebhookVerifier({ webhookSecret: " " })).toThrow(/secret/);
    expect(
      () => new StripeWebhookVerifier({ webhookSecret: "whsec_x", toleranceSeconds: 0 }),
    ).toThrow(/tolerance/);
  });
});
