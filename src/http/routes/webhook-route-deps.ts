import type { Clock, Logger, NewInboundEvent } from "../../app/ports.js";
import type { WebhookVerifier } from "../../app/webhook-verifier-port.js";

/** What a provider webhook route needs: verify, then store (the pipeline processes it). */
export interface WebhookRouteDeps {
  verifier: WebhookVerifier;
  /** Stores the event (idempotent on provider + external id) and starts processing it. */
  receive(event: Omit<NewInboundEvent, "receivedAt">): Promise<unknown>;
  /** PUBLIC_BASE_URL: signatures that cover the URL are checked against it. */
  publicBaseUrl: string;
  clock: Clock;
  logger: Logger;
}
