import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";

// Staff act from the escalation's buttons in the Slack emulator (signed block_actions to the
// app); the post is then redrawn (chat.update) with who has the thread and the buttons left.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-01, 06:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-01T12:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

function posted(ts: string) {
  const entry = sandbox.emulators.slack.channelHistory().find((message) => message.ts === ts);
  if (!entry) {
    throw new Error(`no Slack message ${ts}`);
  }
  return entry;
}

/** The status line and the buttons of a post, as staff see them now. */
function shown(ts: string): { status: string; buttons: string[] } {
  const blocks = posted(ts).blocks;
  const context = blocks.find((block) => block.type === "context");
  const [status] = (context?.elements as Array<{ text: string }> | undefined) ?? [];
  const actions = blocks.find((block) => block.type === "actions");
  const buttons = (actions?.elements as Array<{ action_id: string }> | undefined) ?? [];
  return { status: status?.text ?? "", buttons: buttons.map((button) => button.action_id) };
}

function click(ts: string, action: string, user = "ana") {
  return sandbox.call<{ id: string; status: number }>("POST", "/_sandbox/slack/actions", {
    message_ts: ts,
    action_id: action,
    user,
  });
}

/** A reminded customer who disputes it: the ts of the dispute's Slack post. */
async function disputeNotice(name: string, phone: string, day: string): Promise<string> {
  const customerId = await sandbox.customer(name, phone);
  await sandbox.invoice(customerId, 90, "2027-01-29", `D-${phone.slice(-4)}`);
  await sandbox.clockTo(`${day}T14:00:00Z`);
  const before = (await sandbox.slackPosts()).length;
  await sandbox.call("POST", `/_sandbox/phones/${encodeURIComponent(phone)}/messages`, {
    body: "I dispute this invoice, we never got that service",
  });
  const posts = (
    await sandbox.call<{ slack: Array<{ ts: string; text: string }> }>("GET", "/_sandbox/state")
  ).slack.slice(before);
  const notice = posts.find((post) => post.text.includes("disputes"));
  if (!notice) {
    throw new Error(`no dispute notice in ${JSON.stringify(posts)}`);
  }
  return notice.ts;
}

describe("escalation buttons in Slack", () => {
  it("take over, then hand back: the post says who has the thread and offers what is left", async () => {
    const ts = await disputeNotice("Button Bakery", "+15125550191", "2027-02-01");
    expect(shown(ts).status).toContain("Open: nobody has taken this thread yet");

    expect((await click(ts, "take_over")).status).toBe(200);
    expect(shown(ts).status).toMatch(
      /^:raising_hand: Taken over by <@U[0-9A-F]+>: the bot is paused$/,
    );
    expect(shown(ts).buttons).toEqual(["hand_back", "mark_resolved"]);

    await click(ts, "hand_back", "bo");
    expect(shown(ts).status).toMatch(/^:robot_face: Handed back to the bot by <@U[0-9A-F]+>$/);
    expect(shown(ts).buttons).toEqual(["take_over", "mark_resolved"]);
    // The rest of the post is the notice as it was: the customer's words are still there.
    expect(JSON.stringify(posted(ts).blocks)).toContain("I dispute this invoice");
  });

  it("mark resolved: the post shows who resolved it and has no buttons left", async () => {
    const ts = await disputeNotice("Resolved Roofing", "+15125550192", "2027-02-02");

    await click(ts, "mark_resolved");

    expect(shown(ts).status).toMatch(/^:white_check_mark: Resolved by <@U[0-9A-F]+>$/);
    expect(shown(ts).buttons).toEqual([]);
  });

  it("a redelivered click changes and redraws nothing again", async () => {
    const ts = await disputeNotice("Twice Tiling", "+15125550193", "2027-02-03");
    const delivery = await click(ts, "take_over");
    const edited = posted(ts).editedTs;
    expect(edited).not.toBeNull();

    const again = await sandbox.emulators.slack.redeliver(delivery.id);
    expect(again.status).toBe(200);
    // Moving the clock settles the app: any queued redraw would go out now.
    await sandbox.advance("PT1M");

    expect(posted(ts).editedTs).toBe(edited);
    expect(shown(ts).buttons).toEqual(["hand_back", "mark_resolved"]);
  });
});
