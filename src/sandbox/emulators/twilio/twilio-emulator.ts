import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parsePhoneNumberFromString, validatePhoneNumberLength } from "libphonenumber-js";
import type { Emulator, EmulatorOptions } from "../../emulator.js";
import { AUTO_REPLIES, type OptOutType, optOutTypeOf } from "./twilio-keywords.js";
import { twilioSignature } from "./twilio-signature.js";
import { errorBody, makeSid, rfc2822, segmentCount, type TwilioErrorBody } from "./twilio-wire.js";

// Twilio Programmable Messaging (API 2010-04-01) and Lookup v2, in memory, speaking the wire
// format the `twilio` SDK sends and parses. See README.md beside this file for what is
// modelled and which behaviours are knobs rather than documented facts.

/**
 * How a recipient misbehaves (see `setFault`):
 * - `landline`: Lookup says landline and sends are refused at once with 21614;
 * - `queue`: messages stay queued (a carrier backlog) until the fault is cleared, and one
 *   still queued past its ValidityPeriod fails with 30036;
 * - an error code as a string (`"30003"`, `"21610"`): codes below 30000 refuse the create
 *   call with HTTP 400, as the API does; 30000 and above are accepted and then fail;
 * - `{ errorCode, when }` picks the moment explicitly (`"delivery"` for a 21610 that a
 *   Messaging Service reports by status callback rather than on the create call).
 */
export type TwilioFault =
  | "landline"
  | "queue"
  | `${number}`
  | { errorCode: number; when: "create" | "delivery" };

export interface TwilioEmulatorConfig {
  accountSid: string;
  authToken: string;
  /** The account's SMS-capable numbers; all belong to one Messaging Service. */
  messagingNumbers: string[];
  /** The Messaging Service's sid; derived from the account sid when omitted. */
  messagingServiceSid?: string;
  /** Where inbound messages are posted; default `${appBaseUrl}/webhooks/twilio/sms`. */
  smsWebhookUrl?: string;
  /** Twilio's stock replies to STOP/START/HELP (on by default, as on a real number). */
  autoReplies?: boolean;
  /**
   * Real milliseconds after which accepted messages progress on their own (default
   * QUEUE_RELEASE_MS); `null`: only `idle()` moves them, for tests that must decide exactly
   * when status callbacks arrive.
   */
  queueReleaseMs?: number | null;
}

export type MessageDirection = "inbound" | "outbound-api" | "outbound-reply";

export interface EmulatedMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  direction: MessageDirection;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  validityPeriod: number | null;
  numSegments: number;
  dateCreated: Date;
  dateSent: Date | null;
  dateUpdated: Date;
  price: string | null;
}

export interface InboundResult {
  messageSid: string;
  /** The app's HTTP status, or null when the webhook could not be delivered. */
  httpStatus: number | null;
  /** Messages the app's TwiML answer created (each a `<Message>`). */
  replies: EmulatedMessage[];
}

type FormBody = URLSearchParams;

class TwilioHttpError extends Error {
  constructor(readonly body: TwilioErrorBody) {
    super(body.message);
  }
}

/** Twilio's wording for the codes faults produce; others get a generic message. */
const ERROR_MESSAGES: Record<number, string> = {
  21211: "Invalid 'To' Phone Number",
  21610: "Attempt to send to unsubscribed recipient",
  21611: "This 'From' number has exceeded the maximum number of queued messages",
  21614: "'To' number is not a valid mobile number",
  21635: "'To' number cannot be a landline",
  30001: "Queue overflow",
  30003: "Unreachable destination handset",
  30005: "Unknown destination handset",
  30006: "Landline or unreachable carrier",
  30007: "Message filtered",
  30008: "Unknown error",
  30022: "US A2P 10DLC - Rate Limits Exceeded",
  30034: "US A2P 10DLC - Message from an Unregistered Number",
  30036: "Validity Period Expired",
};

/**
 * Codes with which Twilio fails a message before it reaches a carrier (`failed`, never
 * `sent`); any other delivery code ends `undelivered` after `sent`.
 */
const FAILED_BEFORE_CARRIER = new Set([21610, 30001, 30022, 30034, 30036, 30863, 30943]);

/** Twilio's longest queueing time, used when a message names no ValidityPeriod. */
const MAX_VALIDITY_SECONDS = 36_000;

/**
 * Accepted messages wait this long (real time) before they progress, or until `idle()`
 * (the sandbox's settle) moves them on, whichever comes first. Real Twilio reports `sent`
 * a moment after the create call returns, and the app records the message in between.
 */
const QUEUE_RELEASE_MS = 1_000;

type ResolvedFault =
  | { kind: "landline" }
  | { kind: "queue" }
  | { kind: "error"; code: number; when: "create" | "delivery" };

function resolveFault(fault: TwilioFault): ResolvedFault {
  if (typeof fault === "object") {
    return { kind: "error", code: fault.errorCode, when: fault.when };
  }
  if (fault === "landline" || fault === "queue") {
    return { kind: fault };
  }
  const code = Number(fault);
  if (!Number.isInteger(code) || code <= 0) {
    throw new Error(`Not a Twilio error code: ${fault}`);
  }
  return { kind: "error", code, when: code < 30_000 ? "create" : "delivery" };
}

function errorMessageFor(code: number): string {
  return ERROR_MESSAGES[code] ?? `Twilio error ${code}`;
}

const API_FAULTS: Record<429 | 500 | 503, [number, string]> = {
  429: [20429, "Too Many Requests"],
  500: [20500, "Internal Server Error"],
  503: [20503, "Service Unavailable"],
};

const E164 = /^\+[1-9]\d{6,14}$/;
const LOOPBACK_HOSTS = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;
const WEBHOOK_TIMEOUT_MS = 15_000; // Twilio's total budget for a webhook response (§C2)

export class TwilioEmulator implements Emulator {
  readonly provider = "twilio" as const;
  readonly messagingServiceSid: string;

  private readonly messages: EmulatedMessage[] = [];
  private readonly optedOut = new Set<string>();
  private readonly faults = new Map<string, ResolvedFault>();
  /** Accepted outbound messages that have not progressed yet (see QUEUE_RELEASE_MS). */
  private readonly queued = new Set<EmulatedMessage>();
  private releaseTimer: NodeJS.Timeout | null = null;
  private readonly lastSender = new Map<string, string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private apiFault: { status: 429 | 500 | 503; remaining: number } | null = null;
  private counter = 0;
  private readonly salt = randomBytes(4).toString("hex");

  constructor(
    private readonly options: EmulatorOptions,
    private readonly config: TwilioEmulatorConfig,
  ) {
    if (config.messagingNumbers.length === 0) {
      throw new Error("TwilioEmulator needs at least one messaging number");
    }
    this.messagingServiceSid =
      config.messagingServiceSid ?? `MG${config.accountSid.slice(2).padEnd(32, "0")}`;
  }

  // ---- Sandbox-facing accessors and knobs ------------------------------------------------

  /** Every message to or from this phone, oldest first. */
  messagesForPhone(phone: string): EmulatedMessage[] {
    return this.messages
      .filter((message) => message.to === phone || message.from === phone)
      .map((message) => structuredClone(message));
  }

  /** Every message in the account, oldest first. */
  allMessages(): EmulatedMessage[] {
    return this.messages.map((message) => structuredClone(message));
  }

  /** Phones (not the business's numbers) that have sent or been sent anything. */
  phones(): string[] {
    const own = new Set(this.config.messagingNumbers);
    const seen = new Set<string>();
    for (const message of this.messages) {
      for (const number of [message.from, message.to]) {
        if (!own.has(number)) {
          seen.add(number);
        }
      }
    }
    return [...seen];
  }

  message(sid: string): EmulatedMessage | null {
    const found = this.messages.find((message) => message.sid === sid);
    return found ? structuredClone(found) : null;
  }

  isOptedOut(phone: string): boolean {
    return this.optedOut.has(phone);
  }

  /** The fault set on this recipient, as `setFault` took it ("landline", "30003"…), if any. */
  faultOf(phone: string): string | null {
    const fault = this.faults.get(phone);
    if (!fault) {
      return null;
    }
    return fault.kind === "error" ? String(fault.code) : fault.kind;
  }

  /**
   * Makes this recipient misbehave from now on (see `TwilioFault`); `null` clears it, and
   * messages a `queue` fault held move on at the next `idle()`.
   */
  setFault(phone: string, fault: TwilioFault | null): void {
    if (fault === null) {
      this.faults.delete(phone);
    } else {
      this.faults.set(phone, resolveFault(fault));
    }
  }

  /** The next `times` API calls answer with this HTTP error (rate limit or outage). */
  failNextRequests(status: 429 | 500 | 503, times = 1): void {
    this.apiFault = { status, remaining: times };
  }

  reset(): void {
    this.messages.length = 0;
    this.optedOut.clear();
    this.faults.clear();
    this.queued.clear();
    if (this.releaseTimer) {
      clearTimeout(this.releaseTimer);
      this.releaseTimer = null;
    }
    this.lastSender.clear();
    this.apiFault = null;
  }

  /**
   * Moves queued messages on (their status callbacks included) and resolves when every
   * webhook this emulator started delivering has been answered. Messages a `queue` fault
   * holds stay queued, unless their ValidityPeriod has run out by the shared clock.
   */
  async idle(): Promise<void> {
    this.releaseQueued();
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
      this.releaseQueued();
    }
  }

  /**
   * A phone texts one of the business's numbers: Twilio's opt-out handling, its stock reply
   * to keywords, then the signed inbound webhook; the app's TwiML `<Message>`s are sent back.
   */
  receiveFromPhone(from: string, to: string, body: string): Promise<InboundResult> {
    return this.track(this.inbound(from, to, body));
  }

  // ---- HTTP ---------------------------------------------------------------------------

  async register(app: FastifyInstance): Promise<void> {
    // Encapsulated: the form parser and auth hook stay inside Twilio's routes, so other
    // emulators on the same server (Stripe is form-encoded too) keep their own.
    await app.register(async (scope) => {
      if (scope.hasContentTypeParser("application/x-www-form-urlencoded")) {
        scope.removeContentTypeParser("application/x-www-form-urlencoded");
      }
      scope.addContentTypeParser(
        "application/x-www-form-urlencoded",
        { parseAs: "string" },
        (_request, body, done) => done(null, new URLSearchParams(String(body))),
      );
      scope.addHook("onRequest", async (request, reply) => this.authenticate(request, reply));

      const base = "/2010-04-01/Accounts/:accountSid";
      scope.post<{ Params: { accountSid: string }; Body: FormBody }>(
        `${base}/Messages.json`,
        async (request, reply) =>
          this.answer(reply, 201, () => {
            this.checkAccount(request.params.accountSid);
            return this.createMessage(request.body ?? new URLSearchParams());
          }),
      );
      scope.get<{ Params: { accountSid: string }; Querystring: Record<string, string> }>(
        `${base}/Messages.json`,
        async (request, reply) =>
          this.answer(reply, 200, () => {
            this.checkAccount(request.params.accountSid);
            return this.listMessages(request.query);
          }),
      );
      scope.get<{ Params: { accountSid: string; file: string } }>(
        `${base}/Messages/:file`,
        async (request, reply) =>
          this.answer(reply, 200, () => {
            this.checkAccount(request.params.accountSid);
            const sid = request.params.file.replace(/\.json$/, "");
            const found = this.messages.find((message) => message.sid === sid);
            if (!found || !request.params.file.endsWith(".json")) {
              throw this.notFound(request.url);
            }
            return this.resource(found);
          }),
      );
      scope.get<{ Params: { phone: string }; Querystring: { Fields?: string } }>(
        "/v2/PhoneNumbers/:phone",
        async (request, reply) =>
          this.answer(reply, 200, () => this.lookup(request.params.phone, request.query.Fields)),
      );
    });
  }

  private async authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> {
    const header = request.headers.authorization ?? "";
    const match = /^Basic\s+(.+)$/i.exec(header);
    const expected = Buffer.from(`${this.config.accountSid}:${this.config.authToken}`);
    const given = Buffer.from(match?.[1] ? Buffer.from(match[1], "base64").toString() : "");
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return undefined;
    }
    // Returning the reply stops Fastify's hook chain: the route never runs.
    return reply
      .status(401)
      .header("www-authenticate", 'Basic realm="Twilio API"')
      .send(errorBody(401, 20003, "Authenticate"));
  }

  private async answer(reply: FastifyReply, status: number, work: () => unknown) {
    try {
      if (this.apiFault && this.apiFault.remaining > 0) {
        const { status: faultStatus } = this.apiFault;
        this.apiFault.remaining -= 1;
        const [code, message] = API_FAULTS[faultStatus];
        throw new TwilioHttpError(errorBody(faultStatus, code, message));
      }
      return await reply.status(status).send(work());
    } catch (error) {
      if (error instanceof TwilioHttpError) {
        return reply.status(error.body.status).send(error.body);
      }
      throw error;
    }
  }

  private checkAccount(accountSid: string): void {
    if (accountSid !== this.config.accountSid) {
      throw this.notFound(`/2010-04-01/Accounts/${accountSid}`);
    }
  }

  private notFound(path: string): TwilioHttpError {
    return new TwilioHttpError(
      errorBody(404, 20404, `The requested resource ${path.split("?")[0]} was not found`),
    );
  }

  // ---- Messages -------------------------------------------------------------------------

  private createMessage(form: FormBody) {
    const to = form.get("To") ?? "";
    const body = form.get("Body") ?? "";
    const from = form.get("From");
    const serviceSid = form.get("MessagingServiceSid");
    const statusCallback = form.get("StatusCallback");
    const validity = form.get("ValidityPeriod");
    const reject = (code: number, message: string) =>
      new TwilioHttpError(errorBody(400, code, message));

    if (!to) {
      throw reject(21604, "A 'To' phone number is required.");
    }
    if (!body && !form.has("MediaUrl") && !form.has("ContentSid")) {
      throw reject(21602, "Message body is required.");
    }
    if (body.length > 1600) {
      throw reject(21617, "The concatenated message body exceeds the 1600 character limit.");
    }
    if (!from && !serviceSid) {
      throw reject(21603, "A 'From' phone number is required.");
    }
    if (from && !this.config.messagingNumbers.includes(from)) {
      throw reject(
        21606,
        `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
      );
    }
    if (!from && serviceSid !== this.messagingServiceSid) {
      throw reject(21705, "The Messaging Service Sid is invalid.");
    }
    if (!E164.test(to)) {
      throw reject(21211, `Invalid 'To' Phone Number: ${to}`);
    }
    let validityPeriod: number | null = null;
    if (validity !== null) {
      validityPeriod = Number(validity);
      if (!Number.isInteger(validityPeriod) || validityPeriod < 1 || validityPeriod > 36_000) {
        throw reject(21624, "Invalid validity period value.");
      }
    }
    if (this.optedOut.has(to)) {
      throw reject(21610, "Attempt to send to unsubscribed recipient");
    }
    const fault = this.faults.get(to);
    if (fault?.kind === "landline") {
      throw reject(21614, `'To' number ${to} is not a valid mobile number`);
    }
    if (fault?.kind === "error" && fault.when === "create") {
      throw reject(fault.code, errorMessageFor(fault.code));
    }

    const message = this.record({
      from: from ?? this.senderFor(to),
      to,
      body,
      direction: "outbound-api",
      status: from ? "queued" : "accepted",
      messagingServiceSid: from ? null : this.messagingServiceSid,
      statusCallback,
      validityPeriod,
    });
    this.lastSender.set(to, message.from);
    // Twilio never reports the initial status by callback; the next ones come a moment later.
    this.enqueue(message);
    return this.resource(message);
  }

  private enqueue(message: EmulatedMessage): void {
    this.queued.add(message);
    const releaseMs =
      this.config.queueReleaseMs === undefined ? QUEUE_RELEASE_MS : this.config.queueReleaseMs;
    if (this.releaseTimer === null && releaseMs !== null) {
      this.releaseTimer = setTimeout(() => {
        this.releaseTimer = null;
        this.releaseQueued();
      }, releaseMs);
      // A queued message must not keep a finished test or a stopping sandbox alive.
      this.releaseTimer.unref();
    }
  }

  /** Queued messages progress now, except those a `queue` fault holds and that are still valid. */
  private releaseQueued(): void {
    for (const message of [...this.queued]) {
      const validFor = (message.validityPeriod ?? MAX_VALIDITY_SECONDS) * 1000;
      const expired = this.options.clock.now().getTime() > message.dateCreated.getTime() + validFor;
      if (!expired && this.faults.get(message.to)?.kind === "queue") {
        continue;
      }
      this.queued.delete(message);
      this.track(
        expired
          ? this.setStatus(message, "failed", 30036, errorMessageFor(30036))
          : this.progress(message),
      );
    }
  }

  private senderFor(phone: string): string {
    // Sticky sender, as a Messaging Service does: keep texting from the number the phone knows.
    return this.lastSender.get(phone) ?? this.config.messagingNumbers[0] ?? "";
  }

  private record(
    fields: Pick<
      EmulatedMessage,
      | "from"
      | "to"
      | "body"
      | "direction"
      | "status"
      | "messagingServiceSid"
      | "statusCallback"
      | "validityPeriod"
    >,
  ): EmulatedMessage {
    const now = this.options.clock.now();
    this.counter += 1;
    const message: EmulatedMessage = {
      ...fields,
      sid: makeSid("SM", this.counter, this.salt),
      errorCode: null,
      errorMessage: null,
      numSegments: segmentCount(fields.body),
      dateCreated: now,
      dateSent: now,
      dateUpdated: now,
      price: null,
    };
    this.messages.push(message);
    return message;
  }

  /** Moves an accepted message to its final status, reporting each step by callback. */
  private async progress(message: EmulatedMessage): Promise<void> {
    const fault = this.faults.get(message.to);
    const code = fault?.kind === "error" ? fault.code : null;
    if (code !== null && FAILED_BEFORE_CARRIER.has(code)) {
      await this.setStatus(message, "failed", code, errorMessageFor(code));
      return;
    }
    message.status = "sending";
    await this.setStatus(message, "sent");
    if (code !== null) {
      await this.setStatus(message, "undelivered", code, errorMessageFor(code));
      return;
    }
    await this.setStatus(message, "delivered");
  }

  private async setStatus(
    message: EmulatedMessage,
    status: string,
    errorCode: number | null = null,
    errorMessage: string | null = null,
  ): Promise<void> {
    message.status = status;
    message.errorCode = errorCode;
    message.errorMessage = errorMessage;
    message.dateUpdated = this.options.clock.now();
    if (status === "sent") {
      message.price = (-0.0079 * message.numSegments).toFixed(5);
    }
    if (!message.statusCallback) {
      return;
    }
    const params: Record<string, string> = {
      AccountSid: this.config.accountSid,
      ApiVersion: "2010-04-01",
      From: message.from,
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
    };
    if (message.messagingServiceSid) {
      params.MessagingServiceSid = message.messagingServiceSid;
    }
    if (errorCode !== null) {
      params.ErrorCode = String(errorCode);
    }
    await this.deliver(message.statusCallback, params);
  }

  private listMessages(query: Record<string, string>) {
    const pageSize = clamp(Number(query.PageSize ?? 50) || 50, 1, 1000);
    const after = query["DateSent>"];
    const before = query["DateSent<"];
    const on = query.DateSent;
    const matches = this.messages
      .filter((message) => !query.To || message.to === query.To)
      .filter((message) => !query.From || message.from === query.From)
      .filter((message) => {
        const sent = message.dateSent?.getTime();
        if (sent === undefined) {
          return !(after || before || on);
        }
        return (
          (!after || sent >= dayStart(after)) &&
          (!before || sent <= dayEnd(before)) &&
          (!on || (sent >= dayStart(on) && sent <= dayEnd(on)))
        );
      })
      // Newest first, as Twilio lists them.
      .reverse();

    let start = (Number(query.Page ?? 0) || 0) * pageSize;
    if (query.PageToken?.startsWith("PA")) {
      const index = matches.findIndex((message) => message.sid === query.PageToken?.slice(2));
      start = index >= 0 ? index + 1 : matches.length;
    }
    const pageNumber = Math.floor(start / pageSize);
    const items = matches.slice(start, start + pageSize);
    const path = `/2010-04-01/Accounts/${this.config.accountSid}/Messages.json`;
    const filters = new URLSearchParams();
    for (const key of ["To", "From", "DateSent", "DateSent<", "DateSent>"]) {
      const value = query[key];
      if (value) {
        filters.set(key, value);
      }
    }
    const uriFor = (page: number, token?: string) => {
      const params = new URLSearchParams(filters);
      params.set("PageSize", String(pageSize));
      params.set("Page", String(page));
      if (token) {
        params.set("PageToken", token);
      }
      return `${path}?${params.toString()}`;
    };
    const last = items.at(-1);
    const first = items[0];
    const hasNext = start + pageSize < matches.length && last !== undefined;
    return {
      messages: items.map((message) => this.resource(message)),
      end: start + Math.max(items.length - 1, 0),
      first_page_uri: uriFor(0),
      next_page_uri: hasNext ? uriFor(pageNumber + 1, `PA${last.sid}`) : null,
      page: pageNumber,
      page_size: pageSize,
      previous_page_uri: pageNumber > 0 && first ? uriFor(pageNumber - 1, `PB${first.sid}`) : null,
      start,
      uri: uriFor(pageNumber, query.PageToken),
    };
  }

  private resource(message: EmulatedMessage) {
    const uri = `/2010-04-01/Accounts/${this.config.accountSid}/Messages/${message.sid}`;
    return {
      account_sid: this.config.accountSid,
      api_version: "2010-04-01",
      body: message.body,
      date_created: rfc2822(message.dateCreated),
      date_sent: message.dateSent ? rfc2822(message.dateSent) : null,
      date_updated: rfc2822(message.dateUpdated),
      direction: message.direction,
      error_code: message.errorCode,
      error_message: message.errorMessage,
      from: message.from,
      messaging_service_sid: message.messagingServiceSid,
      num_media: "0",
      num_segments: String(message.numSegments),
      price: message.price,
      price_unit: "USD",
      sid: message.sid,
      status: message.status,
      subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
      to: message.to,
      uri: `${uri}.json`,
    };
  }

  // ---- Inbound --------------------------------------------------------------------------

  private async inbound(from: string, to: string, body: string): Promise<InboundResult> {
    if (!this.config.messagingNumbers.includes(to)) {
      throw new Error(`${to} is not one of this account's messaging numbers`);
    }
    const message = this.record({
      from,
      to,
      body,
      direction: "inbound",
      status: "received",
      messagingServiceSid: this.messagingServiceSid,
      statusCallback: null,
      validityPeriod: null,
    });
    this.lastSender.set(from, to);
    const optOutType = optOutTypeOf(body);
    if (optOutType === "STOP") {
      this.optedOut.add(from);
    } else if (optOutType === "START") {
      this.optedOut.delete(from);
    }
    if (optOutType && this.config.autoReplies !== false) {
      this.autoReply(to, from, optOutType);
    }

    const phone = parsePhoneNumberFromString(from);
    const business = parsePhoneNumberFromString(to);
    const params: Record<string, string> = {
      ToCountry: business?.country ?? "",
      ToState: "",
      SmsMessageSid: message.sid,
      NumMedia: "0",
      ToCity: "",
      FromZip: "",
      SmsSid: message.sid,
      FromState: "",
      SmsStatus: "received",
      FromCity: "",
      Body: body,
      FromCountry: phone?.country ?? "",
      To: to,
      MessagingServiceSid: this.messagingServiceSid,
      ToZip: "",
      NumSegments: String(message.numSegments),
      MessageSid: message.sid,
      AccountSid: this.config.accountSid,
      From: from,
      ApiVersion: "2010-04-01",
    };
    if (optOutType) {
      params.OptOutType = optOutType;
    }
    const url = this.config.smsWebhookUrl ?? `${this.options.appBaseUrl}/webhooks/twilio/sms`;
    const answer = await this.deliver(url, params);
    const replies =
      answer && answer.status >= 200 && answer.status < 300
        ? twimlMessages(answer.text).map((text) => this.replyFromTwiml(to, from, text))
        : [];
    return {
      messageSid: message.sid,
      httpStatus: answer?.status ?? null,
      replies: replies.map((reply) => structuredClone(reply)),
    };
  }

  private autoReply(from: string, to: string, type: OptOutType): void {
    const reply = this.record({
      from,
      to,
      body: AUTO_REPLIES[type],
      direction: "outbound-reply",
      status: "delivered",
      messagingServiceSid: this.messagingServiceSid,
      statusCallback: null,
      validityPeriod: null,
    });
    reply.price = (-0.0079 * reply.numSegments).toFixed(5);
  }

  private replyFromTwiml(from: string, to: string, body: string): EmulatedMessage {
    const reply = this.record({
      from,
      to,
      body,
      direction: "outbound-reply",
      status: "queued",
      messagingServiceSid: this.messagingServiceSid,
      statusCallback: null,
      validityPeriod: null,
    });
    if (this.optedOut.has(to)) {
      // A TwiML reply to an opted-out phone is blocked just like an API send.
      reply.status = "failed";
      reply.errorCode = 21610;
      reply.errorMessage = "Attempt to send to unsubscribed recipient";
      return reply;
    }
    this.track(this.progress(reply));
    return reply;
  }

  // ---- Lookup v2 ------------------------------------------------------------------------

  private lookup(raw: string, fields: string | undefined) {
    const parsed = parsePhoneNumberFromString(raw);
    const valid = parsed?.isValid() ?? false;
    const wanted = new Set((fields ?? "").split(",").map((field) => field.trim()));
    const landline = this.faults.get(raw)?.kind === "landline";
    return {
      calling_country_code: valid && parsed ? parsed.countryCallingCode : null,
      country_code: valid && parsed ? (parsed.country ?? null) : null,
      phone_number: valid && parsed ? parsed.number : raw,
      national_format: valid && parsed ? parsed.formatNational() : null,
      valid,
      validation_errors: valid ? [] : [validationError(raw)],
      caller_name: null,
      sim_swap: null,
      call_forwarding: null,
      live_activity: null,
      line_type_intelligence:
        valid && wanted.has("line_type_intelligence")
          ? landline
            ? {
                carrier_name: "Level 3 Communications, LLC",
                error_code: null,
                mobile_country_code: null,
                mobile_network_code: null,
                type: "landline",
              }
            : {
                carrier_name: "T-Mobile USA, Inc.",
                error_code: null,
                mobile_country_code: "310",
                mobile_network_code: "160",
                type: "mobile",
              }
          : null,
      identity_match: null,
      reassigned_number: null,
      sms_pumping_risk: null,
      phone_number_quality_score: null,
      url: `https://lookups.twilio.com/v2/PhoneNumbers/${raw}`,
    };
  }

  // ---- Webhook delivery -----------------------------------------------------------------

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** POSTs a signed form to a loopback URL; null when it could not be delivered. */
  private async deliver(
    url: string,
    params: Record<string, string>,
  ): Promise<{ status: number; text: string } | null> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      this.options.logger.warn({ provider: "twilio" }, "emulator webhook URL is not a URL");
      return null;
    }
    if (!LOOPBACK_HOSTS.test(target.hostname)) {
      // The sandbox never reaches beyond this machine.
      this.options.logger.warn(
        { provider: "twilio", host: target.hostname },
        "emulator refuses to deliver a webhook off loopback",
      );
      return null;
    }
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": twilioSignature(this.config.authToken, url, params),
          "i-twilio-idempotency-token": randomBytes(16).toString("hex"),
          "user-agent": "TwilioProxy/1.1",
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      this.options.logger.warn(
        { provider: "twilio", error: error instanceof Error ? error.message : String(error) },
        "emulator webhook delivery failed",
      );
      return null;
    }
  }
}

/** Lookup's reason for an invalid number, in its enum (phone_number_enum_validation_error). */
function validationError(raw: string): string {
  const reason = validatePhoneNumberLength(raw);
  if (reason === undefined) {
    return "INVALID_BUT_POSSIBLE";
  }
  return reason === "INVALID_COUNTRY" ? "INVALID_COUNTRY_CODE" : reason;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

// `DateSent>=2026-11-20` compares whole days; a full timestamp compares exactly.
function dayStart(value: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}

function dayEnd(value: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? Date.parse(`${value}T23:59:59.999Z`)
    : Date.parse(value);
}

/** The texts of the `<Message>` verbs in a TwiML answer (`<Body>` child or text content). */
export function twimlMessages(xml: string): string[] {
  const texts: string[] = [];
  for (const match of xml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)) {
    const inner = match[1] ?? "";
    const body = /<Body>([\s\S]*?)<\/Body>/.exec(inner)?.[1] ?? inner.replace(/<[^>]+>/g, "");
    texts.push(unescapeXml(body));
  }
  return texts;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
