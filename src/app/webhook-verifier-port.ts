// Every webhook is verified on its raw bytes before anything else happens. Adapters
// implement this with the provider's own algorithm (through its SDK where it has one).

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The full public URL the provider called (PUBLIC_BASE_URL + path + query). */
  url: string;
  /** Form fields for form-encoded webhooks (Twilio signs the URL plus sorted params). */
  form?: Record<string, string>;
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

export interface WebhookVerifier {
  readonly provider: string;
  /** Constant-time; never "accept when no secret is configured". */
  verify(request: WebhookRequest, now: Date): WebhookVerdict;
}
