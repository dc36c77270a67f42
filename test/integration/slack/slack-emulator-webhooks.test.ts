import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackEscalation } from "../../../src/adapters/slack/escalation-blocks.js";
import { SlackStaffNotifier } from "../../../src/adapters/slack/slack-staff-notifier.js";
import { SlackEmulator } from "../../../src/sandbox/emulators/slack/slack-emulator.js";
import {
  fixedClock,
  type Received,
  SLACK,
  startReceiver,
  startSlackEmulator,
} from "./slack-fixtures.js";

// The emulator's signed deliveries (button clicks, thread replies) arriving at an app built
// with the real route plugin and verifier, over loopback.

const clock = fixedClock();
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let slack: Awaited<ReturnType<typeof startSlackEmulator>>;
let notifier: SlackStaffNotifier;

const notice: SlackEscalation = {
  companyId: "co_1",
  threadId: "th_9",
  taskId: "tk_3",
  reason: "human_requested",
  phone: "+15125550199",
};

beforeAll(async () => {
  receiver = await startReceiver(clock);
  slack = await startSlackEmulator(clock, receiver.baseUrl);
  notifier = new SlackStaffNotifier({
    botToken: SLACK.botToken,
    channelId: SLACK.channelId,
    slackApiUrl: slack.apiUrl,
  });
});

afterAll(async () => {
  await slack.close();
  await receiver.app.close();
});

function last(received: Received[]): Received {
  const event = received.at(-1);
  if (!event) {
    throw new Error("nothing received");
  }
  return event;
}

describe("Slack emulator → app webhooks", () => {
  it("answers url_verification with the challenge", async () => {
    const result = await slack.emulator.verifyEventsUrl();
    expect(result.status).toBe(200);
    expect(result.challengeEchoed).toBe(true);
  });

  it("a button click arrives signed, as block_actions, with a working response_url", async () => {
    const { ref } = await notifier.notify(notice);
    const count = receiver.received.length;
    const delivery = await slack.emulator.clickButton(ref, "take_over", "ana");
    await slack.emulator.idle();
    expect(delivery.status).toBe(200);
    expect(delivery.contentType).toBe("application/x-www-form-urlencoded");
    expect(receiver.received).toHaveLength(count + 1);
    const event = last(receiver.received);
    expect(event.provider).toBe("slack");
    expect(event.type).toBe("slack.action");
    const payload = event.payload as {
      type: string;
      user: { id: string; username: string };
      container: { message_ts: string; channel_id: string };
      actions: Array<{ action_id: string; value: string; action_ts: string }>;
      response_url: string;
    };
    expect(payload.type).toBe("block_actions");
    expect(payload.user.username).toBe("ana");
    expect(payload.container).toMatchObject({ message_ts: ref, channel_id: SLACK.channelId });
    expect(payload.actions[0]?.action_id).toBe("take_over");
    expect(JSON.parse(payload.actions[0]?.value ?? "{}")).toMatchObject({ taskId: "tk_3" });
    expect(event.externalId).toBe(`${ref}:${payload.actions[0]?.action_ts}`);
    expect(payload.response_url.startsWith(slack.baseUrl)).toBe(true);

    // What Bolt's respond() does: POST JSON to response_url.
    const response = await fetch(payload.response_url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ replace_original: true, text: "Taken over by ana" }),
    });
    expect(response.status).toBe(200);
    expect(slack.emulator.message(ref)?.text).toBe("Taken over by ana");
  });

  it("idle() waits for deliveries started but not awaited", async () => {
    const { ref } = await notifier.notify(notice);
    const count = receiver.received.length;
    const pending = [
      slack.emulator.clickButton(ref, "take_over", "ana"),
      slack.emulator.replyInThread(ref, "on it", "ana"),
    ];
    await slack.emulator.idle();
    expect(receiver.received.length).toBe(count + 2);
    expect((await Promise.all(pending)).map((delivery) => delivery.status)).toEqual([200, 200]);
  });

  it("a redelivered click keeps its external id", async () => {
    const { ref } = await notifier.notify(notice);
    const first = await slack.emulator.clickButton(ref, "mark_resolved", "U0STAFF002");
    const again = await slack.emulator.redeliver(first.id);
    await slack.emulator.idle();
    expect(again.status).toBe(200);
    const [a, b] = receiver.received.slice(-2);
    expect(a?.externalId).toBe(first.externalId);
    expect(b?.externalId).toBe(a?.externalId);
    expect(b?.payload).toEqual(a?.payload);
  });

  it("a staff reply in the thread arrives as a signed message event with thread_ts", async () => {
    const { ref } = await notifier.notify(notice);
    const delivery = await slack.emulator.replyInThread(ref, "Hi Rosa, I'll call you at 3", "ana");
    await slack.emulator.idle();
    expect(delivery.status).toBe(200);
    const event = last(receiver.received);
    expect(event.type).toBe("slack.event");
    const envelope = event.payload as {
      type: string;
      event_id: string;
      team_id: string;
      event: { type: string; thread_ts: string; ts: string; text: string; user: string };
    };
    expect(envelope.type).toBe("event_callback");
    expect(event.externalId).toBe(envelope.event_id);
    expect(envelope.team_id).toBe(SLACK.teamId);
    expect(envelope.event).toMatchObject({
      type: "message",
      thread_ts: ref,
      text: "Hi Rosa, I'll call you at 3",
    });
    expect(envelope.event.ts).not.toBe(ref);
    // The console sees the reply in the thread.
    const entry = slack.emulator.channelHistory().find((message) => message.ts === ref);
    expect(entry?.replies.map((reply) => reply.text)).toEqual(["Hi Rosa, I'll call you at 3"]);

    const again = await slack.emulator.redeliver(delivery.id);
    expect(again.status).toBe(200);
    expect(last(receiver.received).externalId).toBe(envelope.event_id);
  });

  it("unknown messages and buttons are reported, nothing is sent", async () => {
    const count = receiver.received.length;
    await expect(
      slack.emulator.clickButton("1700000000.000001", "take_over", "ana"),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const { ref } = await notifier.notify(notice);
    await expect(slack.emulator.clickButton(ref, "no_such_action", "ana")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(receiver.received).toHaveLength(count);
  });

  it("refuses ids Slack would never issue and non-loopback app URLs", () => {
    const options = {
      clock,
      logger: slack.logger,
      appBaseUrl: receiver.baseUrl,
      selfBaseUrl: () => slack.baseUrl,
    };
    expect(() => new SlackEmulator(options, { ...SLACK, teamId: "T1" })).toThrow(/team ids/);
    expect(() => new SlackEmulator(options, { ...SLACK, channelId: "#ar" })).toThrow(/channel/);
    expect(
      () => new SlackEmulator({ ...options, appBaseUrl: "https://duetext.example" }, { ...SLACK }),
    ).toThrow(/loopback/);
  });

  it("an app with another signing secret rejects the emulator's deliveries", async () => {
    const strict = await startReceiver(clock, "a-different-secret");
    const other = await startSlackEmulator(clock, strict.baseUrl);
    try {
      const client = new SlackStaffNotifier({
        botToken: SLACK.botToken,
        channelId: SLACK.channelId,
        slackApiUrl: other.apiUrl,
      });
      const { ref } = await client.notify(notice);
      const click = await other.emulator.clickButton(ref, "take_over", "ana");
      const reply = await other.emulator.replyInThread(ref, "hello", "ana");
      await other.emulator.idle();
      expect(click.status).toBe(401);
      // Events are retried by Slack on errors (three more attempts), and still rejected.
      expect(reply.status).toBe(401);
      expect(reply.attempts).toBe(4);
      expect(strict.received).toEqual([]);
      expect(strict.logger.lines.filter((line) => line.level === "warn")).toHaveLength(5);
    } finally {
      await other.close();
      await strict.app.close();
    }
  });
});
