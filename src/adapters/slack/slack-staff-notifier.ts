import { LogLevel, type RetryOptions, type Logger as SlackLogger, WebClient } from "@slack/web-api";
import type { Logger, StaffNotifier } from "../../app/ports.js";
import {
  type EscalationStatus,
  escalationBlocks,
  escalationText,
  type SlackEscalation,
} from "./escalation-blocks.js";
import { slackError } from "./slack-errors.js";

// Staff escalations as Slack messages, through the real @slack/web-api WebClient. In the
// sandbox `slackApiUrl` points at the emulator; nothing else differs.

export interface SlackStaffNotifierOptions {
  botToken: string;
  /** The channel escalations go to (an id like C0123ABCDEF). */
  channelId: string;
  /** Base URL of the Web API, e.g. http://127.0.0.1:3001/api/ for the emulator. */
  slackApiUrl?: string;
  logger?: Logger;
  /** Per-call timeout; a hung connection must not hold an outbox claim forever. */
  timeoutMs?: number;
}

/**
 * No retries inside the SDK: the WebClient's default retries for up to ~30 minutes and, on a
 * 429, pauses its whole queue. That would hold an outbox row in `sending` far beyond its lease
 * (so another worker reconciles and posts it a second time) and hide the failure from our
 * backoff. The outbox owns retries; the SDK fails fast with a typed error instead.
 */
const NO_SDK_RETRIES: RetryOptions = { retries: 0 };

export class SlackStaffNotifier implements StaffNotifier {
  private readonly client: WebClient;
  private readonly channelId: string;

  constructor(options: SlackStaffNotifierOptions) {
    this.channelId = options.channelId;
    this.client = new WebClient(options.botToken, {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      retryConfig: NO_SDK_RETRIES,
      // Without this a 429 makes the SDK sleep Retry-After seconds before failing.
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
      // Method names only, never absolute URLs: the token must not leave for another host.
      allowAbsoluteUrls: false,
      logger: bridgeLogger(options.logger),
    });
  }

  /** Checks the token (and tells which workspace and bot it belongs to). */
  async authTest(): Promise<{ teamId: string; userId: string; botId: string | null }> {
    try {
      const result = await this.client.auth.test();
      return {
        teamId: result.team_id ?? "",
        userId: result.user_id ?? "",
        botId: result.bot_id ?? null,
      };
    } catch (error) {
      throw slackError(error, "auth.test");
    }
  }

  /** Posts the escalation; `ref` is the message ts, which later updates and replies use. */
  async notify(notice: SlackEscalation): Promise<{ ref: string }> {
    try {
      const result = await this.client.chat.postMessage({
        channel: this.channelId,
        text: escalationText(notice),
        blocks: escalationBlocks(notice),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!result.ts) {
        throw new Error("chat.postMessage answered without a ts");
      }
      return { ref: result.ts };
    } catch (error) {
      throw slackError(error, "chat.postMessage");
    }
  }

  /** Redraws a posted escalation for its new state (taken over, handed back, resolved). */
  async updateNotice(
    ref: string,
    notice: SlackEscalation,
    status: EscalationStatus,
  ): Promise<void> {
    try {
      await this.client.chat.update({
        channel: this.channelId,
        ts: ref,
        text: escalationText(notice),
        blocks: escalationBlocks(notice, status),
      });
    } catch (error) {
      throw slackError(error, "chat.update");
    }
  }

  /** Posts into the escalation's thread (customer messages forwarded while a person owns it). */
  async postThreadReply(ref: string, text: string): Promise<{ ref: string }> {
    try {
      const result = await this.client.chat.postMessage({
        channel: this.channelId,
        thread_ts: ref,
        text,
      });
      if (!result.ts) {
        throw new Error("chat.postMessage answered without a ts");
      }
      return { ref: result.ts };
    } catch (error) {
      throw slackError(error, "chat.postMessage");
    }
  }
}

/**
 * The SDK logs through its own console logger by default; route it to ours (which redacts)
 * and keep its debug lines, which include request bodies, out.
 */
function bridgeLogger(logger: Logger | undefined): SlackLogger {
  let level = LogLevel.WARN;
  const line = (messages: unknown[]) => messages.map((part) => String(part)).join(" ");
  return {
    debug: () => {},
    info: () => {},
    warn: (...messages: unknown[]) => logger?.warn({ provider: "slack" }, line(messages)),
    error: (...messages: unknown[]) => logger?.error({ provider: "slack" }, line(messages)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
