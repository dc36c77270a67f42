import type { OutboundSms, SentSms, SmsSender } from "../../src/app/ports.js";

/** In-memory SMS provider for tests: records every send and answers "was this sent?". */
export class FakeSmsSender implements SmsSender {
  readonly sent: Array<OutboundSms & { providerMessageId: string; at: Date }> = [];
  private counter = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async send(message: OutboundSms): Promise<SentSms> {
    this.counter++;
    const providerMessageId = `SMfake${String(this.counter).padStart(8, "0")}`;
    this.sent.push({ ...message, providerMessageId, at: this.now() });
    return { providerMessageId, status: "queued" };
  }

  async findSent(query: { to: string; body: string; since: Date }): Promise<SentSms | null> {
    const match = this.sent.find(
      (message) =>
        message.to === query.to && message.body === query.body && message.at >= query.since,
    );
    return match ? { providerMessageId: match.providerMessageId, status: "delivered" } : null;
  }
}
