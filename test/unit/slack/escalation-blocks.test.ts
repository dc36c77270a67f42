import { describe, expect, it } from "vitest";
import {
  escalationBlocks,
  escalationText,
  type SlackBlock,
} from "../../../src/adapters/slack/escalation-blocks.js";

const notice = {
  companyId: "co_1",
  threadId: "th_1",
  taskId: "tk_1",
  reason: "promise_broken",
  phone: "+15125550123",
};

function actionIds(blocks: SlackBlock[]): string[] {
  const actions = blocks.find((block) => block.type === "actions");
  return ((actions?.elements ?? []) as Array<{ action_id: string }>).map((e) => e.action_id);
}

describe("escalation blocks", () => {
  it("offers the buttons that fit each state", () => {
    expect(actionIds(escalationBlocks(notice))).toEqual([
      "take_over",
      "hand_back",
      "mark_resolved",
    ]);
    expect(actionIds(escalationBlocks(notice, { state: "taken_over", by: "U1" }))).toEqual([
      "hand_back",
      "mark_resolved",
    ]);
    expect(actionIds(escalationBlocks(notice, { state: "handed_back", by: "U1" }))).toEqual([
      "take_over",
      "mark_resolved",
    ]);
    expect(actionIds(escalationBlocks(notice, { state: "resolved", by: "U1" }))).toEqual([]);
  });

  it("falls back to the phone and the raw reason when nothing else is known", () => {
    expect(escalationText(notice)).toBe(
      "Needs a person: A promised payment was missed (+15125550123)",
    );
    expect(escalationText({ ...notice, reason: "some_new_reason" })).toContain("some new reason");
  });

  it("keeps long customer text inside Block Kit's limits", () => {
    const blocks = escalationBlocks({
      ...notice,
      lastMessages: Array.from({ length: 20 }, () => ({
        direction: "inbound" as const,
        body: "x".repeat(1000),
      })),
    });
    for (const block of blocks) {
      const text = (block.text as { text?: string } | undefined)?.text ?? "";
      expect(text.length).toBeLessThanOrEqual(3000);
    }
    const actions = blocks.find((block) => block.type === "actions");
    for (const element of (actions?.elements ?? []) as Array<{ value: string }>) {
      expect(element.value.length).toBeLessThanOrEqual(2000);
    }
  });
});
