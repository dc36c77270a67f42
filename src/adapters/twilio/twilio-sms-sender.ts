import type { OutboundSms, SentSms, SmsSender } from "../../app/ports.js";
import { createTwilioClient, type TwilioClientOptions } from "./twilio-client.js";
import { twilioErrorToAppError } from "./twilio-errors.js";

export interface TwilioSmsSenderOptions extends TwilioClientOptions {
  /** Exactly one of `from` (a Twilio number) or `messagingServiceSid` (MG…). */
  from?: string;
  messagingServiceSid?: string;
  /**
   * Our status webhook, e.g. `${PUBLIC_BASE_URL}/webhooks/twilio/status` (the app's loopback
   * URL in the sandbox). Every message carries it: final status and error code are stored per
   * message (REQ-48).
   */
  statusCallbackUrl: string;
  /**
   * Default seconds Twilio may queue a message before giving up with 30036 (1–36000); a
   * message's own `validityPeriodSeconds` wins.
   */
  validityPeriodSeconds?: number;
}

// Clocks differ between us and Twilio, and DateSent filters may compare whole days: look a
// little further back than asked. A false "already sent" only delays one text; a missed one
// sends a duplicate, which is worse (DESIGN §3).
const FIND_SENT_MARGIN_MS = 10 * 60 * 1000;
const FIND_SENT_LIMIT = 200;

export class TwilioSmsSender implements SmsSender {
  private readonly client;

  constructor(private readonly options: TwilioSmsSenderOptions) {
    if (Boolean(options.from) === Boolean(options.messagingServiceSid)) {
      throw new Error("TwilioSmsSender needs exactly one of from or messagingServiceSid");
    }
    if (!options.statusCallbackUrl) {
      throw new Error("TwilioSmsSender needs a statusCallbackUrl (REQ-48)");
    }
    this.client = createTwilioClient(options);
  }

  async send(message: OutboundSms): Promise<SentSms> {
    const validityPeriod = message.validityPeriodSeconds ?? this.options.validityPeriodSeconds;
    try {
      const created = await this.client.messages.create({
        to: message.to,
        body: message.body,
        ...(this.options.from
          ? { from: this.options.from }
          : { messagingServiceSid: this.options.messagingServiceSid ?? "" }),
        statusCallback: this.options.statusCallbackUrl,
        ...(validityPeriod === undefined ? {} : { validityPeriod }),
      });
      return { providerMessageId: created.sid, status: created.status };
    } catch (error) {
      throw twilioErrorToAppError(error, "messages.create");
    }
  }

  async findSent(query: {
    companyId: string;
    to: string;
    body: string;
    since: Date;
  }): Promise<SentSms | null> {
    try {
      const messages = await this.client.messages.list({
        to: query.to,
        dateSentAfter: new Date(query.since.getTime() - FIND_SENT_MARGIN_MS),
        limit: FIND_SENT_LIMIT,
      });
      const match = messages.find(
        (message) => message.direction !== "inbound" && message.body === query.body,
      );
      return match ? { providerMessageId: match.sid, status: match.status } : null;
    } catch (error) {
      throw twilioErrorToAppError(error, "messages.list");
    }
  }

  /** The message as Twilio has it now (status and error code), for reconciliation. */
  async fetchStatus(
    providerMessageId: string,
  ): Promise<{ status: string; errorCode: number | null }> {
    try {
      const message = await this.client.messages(providerMessageId).fetch();
      return { status: message.status, errorCode: message.errorCode ?? null };
    } catch (error) {
      throw twilioErrorToAppError(error, "messages.fetch");
    }
  }
}
