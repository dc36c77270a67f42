import { createHmac } from "node:crypto";
import type { Clock, Logger } from "../../../app/ports.js";

// Delivers events to the app's webhook endpoint the way Stripe does: a POST of the event JSON
// (pretty-printed, as Stripe sends it) with `Stripe-Signature: t=<unix>,v1=<hex>`, where v1 is
// HMAC-SHA256 keyed by the whole `whsec_…` string over `${t}.${body}`. Deliveries are
// sequential so events arrive in the order they were created; failures are retried on later
// ticks of the shared clock (Stripe retries test-mode deliveries a few times over hours).

export function stripeSignatureHeader(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  attempts: number;
  /** HTTP status of the last attempt; null when the app could not be reached. */
  lastStatus: number | null;
  delivered: boolean;
  nextAttemptAt: number | null;
}

/** Test-mode retry schedule after a failed attempt, in seconds (three retries over hours). */
const RETRY_AFTER_SECONDS = [60 * 60, 2 * 60 * 60, 4 * 60 * 60];
/** Stripe does not publish its webhook timeout; ~10 s is the reference's working value. */
const DELIVERY_TIMEOUT_MS = 10_000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export interface WebhookSenderOptions {
  clock: Clock;
  logger: Logger;
  endpoint: () => string;
  secret: string;
}

export class WebhookSender {
  private queue: Promise<void> = Promise.resolve();
  private inFlight = 0;
  readonly records = new Map<string, DeliveryRecord>();
  private held: Array<{
    event: { id: string; type: string };
    body: () => string;
    onResult: (delivered: boolean) => void;
  }> | null = null;

  constructor(private readonly options: WebhookSenderOptions) {}

  /** Queues one delivery attempt; `onResult` learns whether the app acknowledged it. */
  enqueue(
    event: { id: string; type: string },
    body: () => string,
    onResult: (delivered: boolean) => void,
  ): void {
    if (this.held) {
      this.held.push({ event, body, onResult });
      return;
    }
    const record = this.records.get(event.id) ?? {
      eventId: event.id,
      eventType: event.type,
      attempts: 0,
      lastStatus: null,
      delivered: false,
      nextAttemptAt: null,
    };
    this.records.set(event.id, record);
    this.inFlight++;
    this.queue = this.queue.then(async () => {
      try {
        const status = await this.post(body());
        record.attempts++;
        record.lastStatus = status;
        record.delivered = status !== null && status >= 200 && status < 300;
        const retry = RETRY_AFTER_SECONDS[record.attempts - 1];
        record.nextAttemptAt =
          record.delivered || retry === undefined ? null : this.nowSeconds() + retry;
        if (!record.delivered) {
          this.options.logger.warn(
            { provider: "stripe", eventId: event.id, status },
            "sandbox stripe: webhook not acknowledged",
          );
        }
        onResult(record.delivered);
      } finally {
        this.inFlight--;
      }
    });
  }

  /** Holds deliveries back (to show the app duplicates and out-of-order arrivals). */
  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held, in creation order or reversed. */
  release(order: "created" | "reversed"): void {
    const held = this.held ?? [];
    this.held = null;
    for (const delivery of order === "reversed" ? [...held].reverse() : held) {
      this.enqueue(delivery.event, delivery.body, delivery.onResult);
    }
  }

  /** Deliveries that failed and whose retry time the clock has reached. */
  dueRetries(): string[] {
    const now = this.nowSeconds();
    return [...this.records.values()]
      .filter((record) => record.nextAttemptAt !== null && record.nextAttemptAt <= now)
      .map((record) => {
        record.nextAttemptAt = null;
        return record.eventId;
      });
  }

  /** Resolves once every queued delivery has been answered (or has failed). */
  async idle(): Promise<void> {
    while (this.inFlight > 0) {
      await this.queue;
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }

  private async post(payload: string): Promise<number | null> {
    const url = new URL("/webhooks/stripe", this.options.endpoint());
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      // The sandbox never talks to anything but this machine.
      this.options.logger.error(
        { provider: "stripe", host: url.hostname },
        "sandbox stripe: refusing to deliver a webhook off loopback",
      );
      return null;
    }
    const header = stripeSignatureHeader(payload, this.options.secret, this.nowSeconds());
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "stripe-signature": header,
          "cache-control": "no-cache",
          accept: "*/*; q=0.5, application/xml",
        },
        body: payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      // Drain the body so the connection is released; Stripe ignores what the app says.
      await response.arrayBuffer();
      return response.status;
    } catch {
      return null;
    }
  }
}
