import type { CheckoutRequest, Payments } from "../../src/app/ports.js";

/** In-memory Stripe stand-in: Checkout Sessions replayed by idempotency key. */
export class FakePayments implements Payments {
  readonly sessions: Array<CheckoutRequest & { sessionId: string; url: string }> = [];

  async createCheckout(request: CheckoutRequest): Promise<{ sessionId: string; url: string }> {
    const replay = this.sessions.find(
      (session) => session.idempotencyKey === request.idempotencyKey,
    );
    if (replay) {
      return { sessionId: replay.sessionId, url: replay.url };
    }
    const sessionId = `cs_test_${this.sessions.length + 1}`;
    const url = `http://127.0.0.1/checkout/${sessionId}`;
    this.sessions.push({ ...request, sessionId, url });
    return { sessionId, url };
  }
}
