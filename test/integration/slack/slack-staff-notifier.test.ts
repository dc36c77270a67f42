import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackEscalation } from "../../../src/adapters/slack/escalation-blocks.js";
import { SlackStaffNotifier } from "../../../src/adapters/slack/slack-staff-notifier.js";
import { AppError } from "../../../src/domain/errors.js";
import { fixedClock, SLACK, startSlackEmulator } from "./slack-fixtures.js";

// The adapter through the real @slack/web-api WebClient against the emulator, over loopback.

const clock = fixedClock();
let slack: Awaited<ReturnType<typeof startSlackEmulator>>;

const notice: SlackEscalation = {
  companyId: "co_1",
  threadId: "th_42",
  taskId: "tk_7",
  reason: "dispute",
  text: "I never ordered <this> & won't pay",
  phone: "+15125550123",
  customerName: "Rosa Méndez",
  invoices: [{ docNumber: "1037", balanceMinor: 12_550, currency: "USD", dueDate: "2026-11-01" }],
};

beforeAll(async () => {
  slack = await startSlackEmulator(clock);
});

afterAll(async () => {
  await slack.close();
});

function notifier(overrides: { botToken?: string; channelId?: string } = {}) {
  return new SlackStaffNotifier({
    botToken: overrides.botToken ?? SLACK.botToken,
    channelId: overrides.channelId ?? SLACK.channelId,
    slackApiUrl: slack.apiUrl,
  });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a rejection");
}

describe("SlackStaffNotifier against the Slack emulator", () => {
  it("auth.test names the workspace and the bot", async () => {
    await expect(notifier().authTest()).resolves.toEqual({
      teamId: SLACK.teamId,
      userId: "U0DUETEXTBOT",
      botId: "B0DUETEXT01",
    });
  });

  it("posts the escalation with the three buttons, carrying task and thread ids", async () => {
    const { ref } = await notifier().notify(notice);
    expect(ref).toMatch(/^\d{10}\.\d{6}$/);
    const posted = slack.emulator.message(ref);
    expect(posted?.text).toContain("Customer disputes the invoice");
    expect(posted?.text).toContain("Rosa Méndez");
    const actions = posted?.blocks.find((block) => block.type === "actions");
    const elements = (actions?.elements ?? []) as Array<{ action_id: string; value: string }>;
    expect(elements.map((element) => element.action_id)).toEqual([
      "take_over",
      "hand_back",
      "mark_resolved",
    ]);
    for (const element of elements) {
      expect(JSON.parse(element.value)).toEqual({
        companyId: "co_1",
        threadId: "th_42",
        taskId: "tk_7",
      });
    }
    const shown = JSON.stringify(posted?.blocks);
    expect(shown).toContain("#1037");
    expect(shown).toContain("$125.50");
    // The customer's words are escaped for mrkdwn, not interpreted.
    expect(shown).toContain("I never ordered &lt;this&gt; &amp; won't pay");
    expect(slack.emulator.channelHistory().some((entry) => entry.ts === ref)).toBe(true);
  });

  it("updates the notice after a take-over: the take-over button is gone", async () => {
    const client = notifier();
    const { ref } = await client.notify(notice);
    await client.updateNotice(ref, notice, { state: "taken_over", by: "U0STAFF001" });
    const updated = slack.emulator.message(ref);
    const actions = updated?.blocks.find((block) => block.type === "actions");
    const ids = ((actions?.elements ?? []) as Array<{ action_id: string }>).map(
      (element) => element.action_id,
    );
    expect(ids).toEqual(["hand_back", "mark_resolved"]);
    expect(JSON.stringify(updated?.blocks)).toContain("Taken over by <@U0STAFF001>");
    expect(updated?.editedTs).not.toBeNull();
  });

  it("posts a thread reply under the escalation", async () => {
    const client = notifier();
    const { ref } = await client.notify(notice);
    const reply = await client.postThreadReply(ref, "Customer: ok, call me tomorrow");
    const entry = slack.emulator.channelHistory().find((message) => message.ts === ref);
    expect(entry?.replies.map((message) => message.ts)).toEqual([reply.ref]);
  });

  it("a bad token is a rejection that retrying cannot fix", async () => {
    const error = await rejection(notifier({ botToken: "xoxb-wrong" }).notify(notice));
    expect(error.retryable).toBe(false);
    expect(error.code).toBe("PROVIDER_REJECTED");
    expect(error.context).toMatchObject({ provider: "slack", slackError: "invalid_auth" });
  });

  it("an unknown channel is not retryable", async () => {
    const error = await rejection(notifier({ channelId: "C0NOSUCHCHAN" }).notify(notice));
    expect(error.retryable).toBe(false);
    expect(error.context).toMatchObject({ slackError: "channel_not_found" });
  });

  it("updating a message that does not exist is not retryable", async () => {
    const error = await rejection(
      notifier().updateNotice("1700000000.000001", notice, { state: "resolved", by: "U0STAFF001" }),
    );
    expect(error.retryable).toBe(false);
    expect(error.context).toMatchObject({ slackError: "message_not_found" });
  });

  it("a 429 with Retry-After is retryable and fails at once (the outbox owns retries)", async () => {
    slack.emulator.injectFault("chat.postMessage", { kind: "ratelimited", retryAfterSeconds: 30 });
    const before = slack.emulator.channelHistory().length;
    const error = await rejection(notifier().notify(notice));
    expect(error.retryable).toBe(true);
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(error.context).toMatchObject({ slackError: "ratelimited", retryAfterSeconds: 30 });
    // The SDK did not quietly retry: nothing was posted, and the next call goes through.
    expect(slack.emulator.channelHistory()).toHaveLength(before);
    await expect(notifier().notify(notice)).resolves.toHaveProperty("ref");
  });

  it("a Slack 503 is retryable", async () => {
    slack.emulator.injectFault("chat.postMessage", { kind: "http", status: 503 });
    const error = await rejection(notifier().notify(notice));
    expect(error.retryable).toBe(true);
    expect(error.context).toMatchObject({ status: 503 });
  });

  it("a transient platform error is retryable, a permanent one is not", async () => {
    slack.emulator.injectFault("chat.postMessage", { kind: "error", error: "fatal_error" });
    expect((await rejection(notifier().notify(notice))).retryable).toBe(true);
    slack.emulator.injectFault("chat.postMessage", { kind: "error", error: "not_in_channel" });
    expect((await rejection(notifier().notify(notice))).retryable).toBe(false);
  });

  it("an unreachable Slack is retryable", async () => {
    const offline = new SlackStaffNotifier({
      botToken: SLACK.botToken,
      channelId: SLACK.channelId,
      // Port 9 (discard) on loopback: nothing listens, the connection is refused.
      slackApiUrl: "http://127.0.0.1:9/api/",
    });
    const error = await rejection(offline.notify(notice));
    expect(error.retryable).toBe(true);
  });
});
