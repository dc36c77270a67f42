import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../../domain/errors.js";
import type { Emulator, EmulatorOptions } from "../../emulator.js";
import {
  findButton,
  parseBlocks,
  SlackApiError,
  type SlackBlock,
  type SlackChannelEntry,
  type SlackStoredMessage,
  SlackWorkspace,
  TsSource,
} from "./slack-workspace.js";

// Slack as @slack/web-api 8.2.0 sees it (Web API under /api/) and as the app sees it (signed
// interactivity payloads and Events API callbacks). Facts: shared/reference/integrations.md §D.

export interface SlackEmulatorSettings {
  botToken: string;
  signingSecret: string;
  /** T + at least 8 characters, e.g. T0DUETEXT1 (Slack's format; the spec checks it). */
  teamId: string;
  /** C + at least 8 characters, e.g. C0COLLECT1. */
  channelId: string;
  channelName?: string;
  teamName?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
}

/** A one-shot failure for the next call(s) of a Web API method. */
export type SlackFault =
  | { kind: "ratelimited"; retryAfterSeconds: number }
  | { kind: "error"; error: string }
  | { kind: "http"; status: number };

export interface SlackDelivery {
  id: string;
  kind: "block_actions" | "event_callback" | "url_verification";
  url: string;
  /** Exactly the bytes signed and sent, so a redelivery is byte-identical. */
  body: string;
  contentType: string;
  /** Final HTTP status; null when the app could not be reached. */
  status: number | null;
  attempts: number;
  responseBody: string;
  /** Stable ids the app dedupes on. */
  externalId: string;
}

export interface ResponseUrlPost {
  at: Date;
  messageTs: string;
  body: Record<string, unknown>;
}

interface ResponseUrl {
  messageTs: string;
  channel: string;
  userId: string;
  createdAt: Date;
  uses: number;
}

/** Slack retries event deliveries up to three times; interactivity payloads never. */
const EVENT_RETRIES = 3;
const RESPONSE_URL_MAX_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
const DELIVERY_TIMEOUT_MS = 10_000;

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

export class SlackEmulator implements Emulator {
  readonly provider = "slack" as const;
  private readonly settings: Required<SlackEmulatorSettings>;
  private readonly workspace: SlackWorkspace;
  private readonly ts = new TsSource();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly deliveryLog: SlackDelivery[] = [];
  private readonly responseUrls = new Map<string, ResponseUrl>();
  private readonly responseUrlPosts: ResponseUrlPost[] = [];
  private readonly faults = new Map<string, SlackFault[]>();
  private readonly methods: Record<string, Handler>;

  constructor(
    private readonly options: EmulatorOptions,
    settings: SlackEmulatorSettings,
  ) {
    assertLoopback(options.appBaseUrl);
    // Slack's id formats (the spec's defs_team / defs_channel): ids Slack would never issue
    // would make the emulator's answers fail the contract tests, so refuse them up front.
    if (!/^T[A-Z0-9]{8,}$/.test(settings.teamId)) {
      throw new Error(`Slack team ids look like T0DUETEXT1, not "${settings.teamId}"`);
    }
    if (!/^[CG][A-Z0-9]{8,}$/.test(settings.channelId)) {
      throw new Error(`Slack channel ids look like C0COLLECT01, not "${settings.channelId}"`);
    }
    if (!settings.botToken || !settings.signingSecret) {
      throw new Error("The Slack emulator needs a bot token and a signing secret");
    }
    this.settings = {
      channelName: "ar-collections",
      teamName: "Duetext Sandbox",
      teamDomain: "duetext-sandbox",
      botUserId: "U0DUETEXTBOT",
      botId: "B0DUETEXT01",
      appId: "A0DUETEXT01",
      ...settings,
    };
    this.workspace = new SlackWorkspace(settings.channelId);
    this.methods = {
      "auth.test": () => this.authTest(),
      "chat.postMessage": (args) => this.postMessage(args),
      "chat.update": (args) => this.updateMessage(args),
      "conversations.replies": (args) => this.replies(args),
    };
  }

  async register(app: FastifyInstance): Promise<void> {
    // Encapsulated: the raw-body parsers apply to these routes only, whatever the sandbox
    // server (or another emulator) registered at its root.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => {
        done(null, body);
      });
      scope.route({
        method: ["GET", "POST"],
        url: "/api/:method",
        handler: (request, reply) => this.handleApi(request, reply),
      });
      scope.post("/slack/hooks/actions/:team/:id/:secret", (request, reply) =>
        this.handleResponseUrl(request, reply),
      );
    });
  }

  async idle(): Promise<void> {
    // Loops because an answered delivery may have started another (e.g. an event retry).
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  // ---- Test and console hooks ----------------------------------------------------------

  /** The channel as the sandbox console shows it: top-level messages with their threads. */
  channelHistory(): SlackChannelEntry[] {
    return this.workspace.history();
  }

  message(ts: string): SlackStoredMessage | undefined {
    return this.workspace.get(ts);
  }

  deliveries(): readonly SlackDelivery[] {
    return this.deliveryLog;
  }

  responseUrlCalls(): readonly ResponseUrlPost[] {
    return this.responseUrlPosts;
  }

  /** The next `times` calls of `method` fail this way (then the method works again). */
  injectFault(method: string, fault: SlackFault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) {
      queue.push(fault);
    }
    this.faults.set(method, queue);
  }

  reset(): void {
    this.workspace.reset();
    this.deliveryLog.length = 0;
    this.responseUrls.clear();
    this.responseUrlPosts.length = 0;
    this.faults.clear();
  }

  /** A staff member clicks a button: a signed block_actions payload to the app. */
  async clickButton(messageTs: string, actionId: string, user: string): Promise<SlackDelivery> {
    const message = this.workspace.get(messageTs);
    if (!message) {
      throw new AppError("NOT_FOUND", `No Slack message with ts ${messageTs}`);
    }
    const button = findButton(message.blocks, actionId);
    if (!button) {
      throw new AppError("NOT_FOUND", `Message ${messageTs} has no button "${actionId}"`);
    }
    const staff = userOf(user, this.settings.teamId);
    const actionTs = this.ts.next(this.options.clock.now());
    const responseId = randomDigits(13);
    const secret = randomBytes(12).toString("hex");
    this.responseUrls.set(`${responseId}/${secret}`, {
      messageTs: message.ts,
      channel: message.channel,
      userId: staff.id,
      createdAt: this.options.clock.now(),
      uses: 0,
    });
    const payload = {
      type: "block_actions",
      user: staff,
      api_app_id: this.settings.appId,
      token: "emulator-verification-token",
      container: {
        type: "message",
        message_ts: message.ts,
        channel_id: message.channel,
        is_ephemeral: false,
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      trigger_id: `${randomDigits(13)}.${randomDigits(13)}.${randomBytes(16).toString("hex")}`,
      team: { id: this.settings.teamId, domain: this.settings.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: this.settings.channelName },
      message: this.wireMessage(message),
      state: { values: {} },
      response_url: `${this.options.selfBaseUrl()}/slack/hooks/actions/${this.settings.teamId}/${responseId}/${secret}`,
      actions: [
        {
          type: "button",
          action_id: actionId,
          block_id: button.blockId,
          text: button.element.text,
          ...(button.element.value === undefined ? {} : { value: button.element.value }),
          ...(button.element.style === undefined ? {} : { style: button.element.style }),
          action_ts: actionTs,
        },
      ],
    };
    // Interactivity is form-encoded with the JSON in `payload` (Bolt needs this exact type).
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver({
      kind: "block_actions",
      path: "/webhooks/slack/actions",
      body,
      contentType: "application/x-www-form-urlencoded",
      externalId: `${message.ts}:${actionTs}`,
      retries: 0,
    });
  }

  /** A staff member replies in a message's thread: stored, then a signed message event. */
  async replyInThread(threadTs: string, text: string, user: string): Promise<SlackDelivery> {
    const parent = this.workspace.get(threadTs);
    if (!parent) {
      throw new AppError("NOT_FOUND", `No Slack message with ts ${threadTs}`);
    }
    if (text.trim() === "") {
      throw new AppError("VALIDATION_FAILED", "A thread reply needs text");
    }
    const staff = userOf(user, this.settings.teamId);
    const now = this.options.clock.now();
    const reply = this.workspace.post({
      ts: this.ts.next(now),
      user: staff.id,
      botId: null,
      text,
      blocks: [],
      threadTs,
    });
    const root = this.workspace.get(reply.threadTs ?? threadTs) ?? parent;
    const eventId = `Ev${randomBytes(8).toString("hex").toUpperCase().slice(0, 10)}`;
    const envelope = {
      token: "emulator-verification-token",
      team_id: this.settings.teamId,
      context_team_id: this.settings.teamId,
      api_app_id: this.settings.appId,
      event: {
        type: "message",
        channel: reply.channel,
        channel_type: "channel",
        user: staff.id,
        text,
        ts: reply.ts,
        thread_ts: reply.threadTs,
        parent_user_id: root.user,
        client_msg_id: randomUUID(),
        team: this.settings.teamId,
        blocks: [
          {
            type: "rich_text",
            block_id: shortId(reply.ts),
            elements: [{ type: "rich_text_section", elements: [{ type: "text", text }] }],
          },
        ],
        event_ts: reply.ts,
      },
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(now.getTime() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.settings.teamId,
          user_id: this.settings.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${randomBytes(24).toString("base64url")}`,
    };
    return this.deliver({
      kind: "event_callback",
      path: "/webhooks/slack/events",
      body: JSON.stringify(envelope),
      contentType: "application/json",
      externalId: eventId,
      retries: EVENT_RETRIES,
    });
  }

  /** What Slack does when an admin saves the Events Request URL. */
  async verifyEventsUrl(): Promise<SlackDelivery & { challengeEchoed: boolean }> {
    const challenge = randomBytes(24).toString("base64url");
    const delivery = await this.deliver({
      kind: "url_verification",
      path: "/webhooks/slack/events",
      body: JSON.stringify({
        token: "emulator-verification-token",
        challenge,
        type: "url_verification",
      }),
      contentType: "application/json",
      externalId: challenge,
      retries: 0,
    });
    let echoed = delivery.responseBody === challenge;
    try {
      const parsed: unknown = JSON.parse(delivery.responseBody);
      echoed ||= (parsed as { challenge?: unknown }).challenge === challenge;
    } catch {
      // A plain-text answer is also accepted by Slack; already compared above.
    }
    return { ...delivery, challengeEchoed: delivery.status === 200 && echoed };
  }

  /** Sends a past delivery again, byte-identical, re-signed, as a Slack retry would. */
  async redeliver(deliveryId: string): Promise<SlackDelivery> {
    const original = this.deliveryLog.find((delivery) => delivery.id === deliveryId);
    if (!original) {
      throw new AppError("NOT_FOUND", `No Slack delivery ${deliveryId}`);
    }
    return this.deliver({
      kind: original.kind,
      path: new URL(original.url).pathname,
      body: original.body,
      contentType: original.contentType,
      externalId: original.externalId,
      retries: 0,
      retryNum: 1,
    });
  }

  // ---- Web API -------------------------------------------------------------------------

  private async handleApi(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const method = (request.params as { method: string }).method;
    reply.header("content-type", "application/json; charset=utf-8");
    const handler = this.methods[method];
    if (!handler) {
      return reply.send({ ok: false, error: "unknown_method", req_method: method });
    }
    const fault = this.faults.get(method)?.shift();
    if (fault?.kind === "ratelimited") {
      return reply
        .status(429)
        .header("retry-after", String(fault.retryAfterSeconds))
        .send({ ok: false, error: "ratelimited" });
    }
    if (fault?.kind === "http") {
      return reply.status(fault.status).type("text/html").send("<html>Slack is unavailable</html>");
    }
    let args: Record<string, unknown>;
    try {
      args = parseArgs(request);
    } catch (error) {
      return reply.send({
        ok: false,
        error: error instanceof SlackApiError ? error.error : "invalid_form_data",
      });
    }
    const token = bearer(request.headers.authorization) ?? stringArg(args.token);
    if (!token) {
      return reply.send({ ok: false, error: "not_authed" });
    }
    if (token !== this.settings.botToken) {
      return reply.send({ ok: false, error: "invalid_auth" });
    }
    if (fault?.kind === "error") {
      return reply.send({ ok: false, error: fault.error });
    }
    reply.header("x-oauth-scopes", "chat:write,channels:history,groups:history");
    try {
      return reply.send({ ok: true, ...handler(args) });
    } catch (error) {
      if (error instanceof SlackApiError) {
        return reply.send({ ok: false, error: error.error });
      }
      throw error;
    }
  }

  private authTest(): Record<string, unknown> {
    return {
      url: `https://${this.settings.teamDomain}.slack.com/`,
      team: this.settings.teamName,
      user: "duetext",
      team_id: this.settings.teamId,
      user_id: this.settings.botUserId,
      bot_id: this.settings.botId,
      is_enterprise_install: false,
    };
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = this.workspace.requireChannel(args.channel);
    const blocks = parseBlocks(args.blocks);
    const text = stringArg(args.text) ?? "";
    if (text === "" && !blocks) {
      throw new SlackApiError("no_text");
    }
    if (text.length > 40_000) {
      throw new SlackApiError("msg_too_long");
    }
    const ts = this.ts.next(this.options.clock.now());
    const stored = this.workspace.post({
      ts,
      user: this.settings.botUserId,
      botId: this.settings.botId,
      text,
      blocks: withBlockIds(blocks ?? [], ts),
      threadTs: stringArg(args.thread_ts) ?? null,
    });
    return { channel, ts: stored.ts, message: this.wireMessage(stored) };
  }

  private updateMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = this.workspace.requireChannel(args.channel);
    const ts = stringArg(args.ts);
    if (!ts) {
      throw new SlackApiError("message_not_found");
    }
    const blocks = parseBlocks(args.blocks);
    const text = stringArg(args.text);
    if ((text === undefined || text === "") && !blocks) {
      throw new SlackApiError("no_text");
    }
    const updated = this.workspace.update(
      ts,
      {
        ...(text === undefined ? {} : { text }),
        ...(blocks ? { blocks: withBlockIds(blocks, ts) } : {}),
      },
      { botId: this.settings.botId },
      this.ts.next(this.options.clock.now()),
    );
    const { ts: _ts, ...message } = this.wireMessage(updated);
    return { channel, ts: updated.ts, text: updated.text, message };
  }

  private replies(args: Record<string, unknown>): Record<string, unknown> {
    this.workspace.requireChannel(args.channel);
    const ts = stringArg(args.ts);
    if (!ts) {
      throw new SlackApiError("thread_not_found");
    }
    const [parent, ...replies] = this.workspace.thread(ts);
    if (!parent) {
      throw new SlackApiError("thread_not_found");
    }
    // The parent carries the thread's summary; replies name their parent's author.
    const summary =
      replies.length === 0
        ? {}
        : {
            thread_ts: parent.ts,
            reply_count: replies.length,
            reply_users_count: new Set(replies.map((reply) => reply.user)).size,
            latest_reply: replies.at(-1)?.ts,
            reply_users: [...new Set(replies.map((reply) => reply.user))],
            subscribed: false,
          };
    return {
      messages: [
        { ...this.wireMessage(parent), ...summary },
        ...replies.map((reply) => ({ ...this.wireMessage(reply), parent_user_id: parent.user })),
      ],
      has_more: false,
    };
  }

  /** A message as Slack's API shows it (field names from the spec's objs_message). */
  private wireMessage(message: SlackStoredMessage): Record<string, unknown> {
    return {
      type: "message",
      text: message.text,
      user: message.user,
      ts: message.ts,
      team: this.settings.teamId,
      ...(message.botId
        ? {
            bot_id: message.botId,
            bot_profile: {
              id: message.botId,
              deleted: false,
              name: "duetext",
              updated: Math.floor(Number(message.ts)),
              app_id: this.settings.appId,
              icons: {
                image_36: "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png",
                image_48: "https://a.slack-edge.com/80588/img/plugins/app/bot_48.png",
                image_72: "https://a.slack-edge.com/80588/img/plugins/app/service_72.png",
              },
              team_id: this.settings.teamId,
            },
          }
        : {}),
      ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    };
  }

  // ---- response_url ----------------------------------------------------------------------

  private async handleResponseUrl(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const { id, secret } = request.params as { id: string; secret: string };
    const entry = this.responseUrls.get(`${id}/${secret}`);
    const now = this.options.clock.now();
    if (
      !entry ||
      entry.uses >= RESPONSE_URL_MAX_USES ||
      now.getTime() - entry.createdAt.getTime() > RESPONSE_URL_TTL_MS
    ) {
      return reply.status(404).send({ ok: false, error: "expired_url" });
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(
        (request.body as Buffer | undefined)?.toString("utf8") ?? "",
      );
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error("not an object");
      }
      body = parsed as Record<string, unknown>;
    } catch {
      return reply.status(400).send({ ok: false, error: "invalid_payload" });
    }
    entry.uses += 1;
    this.responseUrlPosts.push({ at: now, messageTs: entry.messageTs, body });
    try {
      const blocks = parseBlocks(body.blocks);
      const text = stringArg(body.text);
      if (body.delete_original === true) {
        this.workspace.delete(entry.messageTs);
      } else if (body.replace_original === true) {
        this.workspace.update(
          entry.messageTs,
          {
            ...(text === undefined ? {} : { text }),
            ...(blocks ? { blocks: withBlockIds(blocks, entry.messageTs) } : {}),
          },
          { botId: this.settings.botId },
          this.ts.next(now),
        );
      } else if (body.response_type === "in_channel" || stringArg(body.thread_ts)) {
        const ts = this.ts.next(now);
        this.workspace.post({
          ts,
          user: this.settings.botUserId,
          botId: this.settings.botId,
          text: text ?? "",
          blocks: withBlockIds(blocks ?? [], ts),
          threadTs: stringArg(body.thread_ts) ?? null,
        });
      }
      // An ephemeral response is shown only to the clicker; recorded in responseUrlCalls().
    } catch (error) {
      if (error instanceof SlackApiError) {
        return reply.status(400).send({ ok: false, error: error.error });
      }
      throw error;
    }
    return reply.send({ ok: true });
  }

  // ---- Delivery to the app ----------------------------------------------------------------

  private deliver(request: {
    kind: SlackDelivery["kind"];
    path: string;
    body: string;
    contentType: string;
    externalId: string;
    retries: number;
    retryNum?: number;
  }): Promise<SlackDelivery> {
    const delivery: SlackDelivery = {
      id: `dlv_${randomBytes(8).toString("hex")}`,
      kind: request.kind,
      url: new URL(request.path, this.options.appBaseUrl).toString(),
      body: request.body,
      contentType: request.contentType,
      status: null,
      attempts: 0,
      responseBody: "",
      externalId: request.externalId,
    };
    this.deliveryLog.push(delivery);
    const running = this.attempt(delivery, request.retries, request.retryNum ?? 0);
    this.inFlight.add(running);
    return running.finally(() => this.inFlight.delete(running));
  }

  private async attempt(
    delivery: SlackDelivery,
    retries: number,
    firstRetryNum: number,
  ): Promise<SlackDelivery> {
    let reason: string | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const retryNum = firstRetryNum + attempt;
      // Each attempt is signed at send time with the shared clock, as Slack signs each request.
      const timestamp = String(Math.floor(this.options.clock.now().getTime() / 1000));
      const signature = createHmac("sha256", this.settings.signingSecret)
        .update(`v0:${timestamp}:${delivery.body}`, "utf8")
        .digest("hex");
      const headers: Record<string, string> = {
        "content-type": delivery.contentType,
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": `v0=${signature}`,
      };
      if (retryNum > 0) {
        headers["x-slack-retry-num"] = String(retryNum);
        headers["x-slack-retry-reason"] = reason ?? "http_error";
      }
      delivery.attempts += 1;
      try {
        const response = await fetch(delivery.url, {
          method: "POST",
          headers,
          body: delivery.body,
          redirect: "manual",
          // Slack gives up after 3 s; the sandbox is more patient (a busy test machine is not
          // a slow app) but never waits forever, so idle() always resolves.
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        delivery.status = response.status;
        delivery.responseBody = await response.text();
        if (response.ok || response.headers.get("x-slack-no-retry") === "1") {
          break;
        }
        reason = "http_error";
      } catch (error) {
        delivery.status = null;
        delivery.responseBody = "";
        reason =
          error instanceof Error && error.name === "TimeoutError"
            ? "http_timeout"
            : "connection_failed";
        this.options.logger.warn(
          { provider: "slack", kind: delivery.kind, err: String(error) },
          "slack emulator could not reach the app",
        );
      }
    }
    return delivery;
  }
}

// ---- helpers --------------------------------------------------------------------------------

function assertLoopback(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) {
    throw new Error(`The Slack emulator delivers to loopback only, not ${host}`);
  }
}

function parseArgs(request: FastifyRequest): Record<string, unknown> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) {
    return { ...query };
  }
  const type = String(request.headers["content-type"] ?? "")
    .split(";")[0]
    ?.trim()
    .toLowerCase();
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new SlackApiError("invalid_json");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new SlackApiError("json_not_object");
    }
    return { ...query, ...(parsed as Record<string, unknown>) };
  }
  if (type === "application/x-www-form-urlencoded") {
    return { ...query, ...Object.fromEntries(new URLSearchParams(raw.toString("utf8"))) };
  }
  throw new SlackApiError("invalid_post_type");
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match?.[1];
}

function stringArg(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Slack gives every block without a block_id one of its own. */
function withBlockIds(blocks: SlackBlock[], ts: string): SlackBlock[] {
  return blocks.map((block, index) =>
    typeof block.block_id === "string" ? block : { ...block, block_id: shortId(`${ts}:${index}`) },
  );
}

function shortId(seed: string): string {
  return createHash("sha256").update(seed).digest("base64url").slice(0, 5);
}

function randomDigits(count: number): string {
  return Array.from(randomBytes(count), (byte) => String(byte % 10)).join("");
}

/** A staff user from an id ("U0123ABCD") or a display name ("ana"), stable per name. */
function userOf(
  user: string,
  teamId: string,
): { id: string; username: string; name: string; team_id: string } {
  if (/^[UW][A-Z0-9]{2,}$/.test(user)) {
    const name = user.toLowerCase();
    return { id: user, username: name, name, team_id: teamId };
  }
  const id = `U${createHash("sha256").update(user).digest("hex").slice(0, 10).toUpperCase()}`;
  return { id, username: user, name: user, team_id: teamId };
}
