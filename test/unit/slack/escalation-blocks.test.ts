import { describe, expect, it } from "vitest";
import {
  escalationBlocks,
  escalationText,
  type SlackBlock,
  type SlackEscalation,
} from "../../../src/adapters/slack/escalation-blocks.js";

const notice = {
  companyId: "co_1",
  threadId: "th_1",
  taskId: "tk_1",
  reason: "promise_broken",
  phone: "+15125550123",
};

/** Every reason a staff task is raised with today (machine, delivery alerts, reminder pass). */
const CUSTOMER_WORD_REASONS = [
  "verify_payment",
  "dispute",
  "human_requested",
  "unclear_replies",
  "promise_too_far",
  "wrong_number",
  "customer_message",
];
const STAFF_NOTE_REASONS = [
  "paid_claim_unresolved",
  "promise_broken",
  "installment_missed",
  "payment_failed",
  "payment_received",
  "ladder_exhausted",
  "approval_needed",
  "landline",
  "fix_phone",
  "message_filtered",
  "sending_paused",
  "missed_opt_out",
  "unmapped_delivery_error",
];

const facts = {
  customerName: "Careful Cabinets",
  invoices: [
    { docNumber: "1061", balanceMinor: 90_000, currency: "USD", dueDate: "2027-01-29" },
    { docNumber: "1062", balanceMinor: 12_550, currency: "USD", dueDate: "2027-02-10" },
  ],
  lastMessages: [
    {
      direction: "outbound" as const,
      body: "Careful Cabinets: invoice 1061 for $900.00 is overdue. Pay: https://x.test/p/abc",
      at: "2027-02-01T14:00:00.000Z",
    },
    {
      direction: "inbound" as const,
      body: "I never ordered this",
      at: "2027-02-01T15:30:00.000Z",
    },
  ],
};

function actionIds(blocks: SlackBlock[]): string[] {
  const actions = blocks.find((block) => block.type === "actions");
  return ((actions?.elements ?? []) as Array<{ action_id: string }>).map((e) => e.action_id);
}

interface TextObject {
  type: string;
  text: string;
  verbatim?: boolean;
}

/** Fails on anything Slack would refuse with invalid_blocks (the emulator does not check sizes). */
function expectWithinBlockKitLimits(blocks: SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks) {
    const text = block.text as TextObject | undefined;
    if (block.type === "header") {
      expect(text?.type).toBe("plain_text");
      expect(text?.text.length).toBeLessThanOrEqual(150);
    }
    if (block.type === "section") {
      const fields = (block.fields ?? []) as TextObject[];
      expect(text !== undefined || fields.length > 0).toBe(true);
      if (text) {
        expect(text.text.length).toBeGreaterThan(0);
        expect(text.text.length).toBeLessThanOrEqual(3000);
      }
      expect(fields.length).toBeLessThanOrEqual(10);
      for (const field of fields) {
        expect(field.text.length).toBeGreaterThan(0);
        expect(field.text.length).toBeLessThanOrEqual(2000);
      }
    }
    if (block.type === "context") {
      for (const element of block.elements as TextObject[]) {
        expect(element.text.length).toBeLessThanOrEqual(3000);
      }
    }
    if (block.type === "actions") {
      for (const element of block.elements as Array<{ value: string; text: TextObject }>) {
        expect(element.value.length).toBeLessThanOrEqual(2000);
        expect(element.text.text.length).toBeLessThanOrEqual(75);
      }
    }
  }
}

function sectionTexts(blocks: SlackBlock[]): TextObject[] {
  return blocks.flatMap((block) => {
    if (block.type !== "section") {
      return [];
    }
    return [
      ...(block.text ? [block.text as TextObject] : []),
      ...((block.fields ?? []) as TextObject[]),
    ];
  });
}

function sectionTitled(blocks: SlackBlock[], title: string): TextObject | undefined {
  return sectionTexts(blocks).find((text) => text.text.startsWith(`*${title}*`));
}

function header(blocks: SlackBlock[]): string {
  return (blocks[0]?.text as TextObject | undefined)?.text ?? "";
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

  it.each(CUSTOMER_WORD_REASONS)(
    "%s: quotes the customer's words and shows the facts",
    (reason) => {
      const blocks = escalationBlocks({ ...notice, ...facts, reason, text: "Ya pagué ayer" });
      expectWithinBlockKitLimits(blocks);
      expect(header(blocks)).not.toContain("_");
      expect(header(blocks)).not.toBe(reason.replaceAll("_", " "));
      const words = sectionTitled(blocks, "Customer wrote");
      expect(words?.text).toBe("*Customer wrote*\n> Ya pagué ayer");
      expect(words?.verbatim).toBe(true);
      expect(sectionTitled(blocks, "What happened")).toBeUndefined();
      expect(sectionTitled(blocks, "Customer")?.text).toBe("*Customer*\nCareful Cabinets");
      expect(sectionTitled(blocks, "Phone")?.text).toBe("*Phone*\n+15125550123");
      expect(actionIds(blocks)).toEqual(["take_over", "hand_back", "mark_resolved"]);
    },
  );

  it.each(STAFF_NOTE_REASONS)("%s: a named reason, our note for staff and the facts", (reason) => {
    const note = "+15125550153 is a landline: it cannot receive texts.";
    const blocks = escalationBlocks({ ...notice, ...facts, reason, text: note });
    expectWithinBlockKitLimits(blocks);
    expect(header(blocks)).not.toContain("_");
    expect(header(blocks)).not.toBe(reason.replaceAll("_", " "));
    expect(sectionTitled(blocks, "What happened")?.text).toBe(`*What happened*\n${note}`);
    expect(sectionTitled(blocks, "Customer wrote")).toBeUndefined();
    // Our note is not a text from the customer.
    expect(sectionTitled(blocks, "Last messages")?.text).not.toContain("landline");
    expect(actionIds(blocks)).toEqual(["take_over", "hand_back", "mark_resolved"]);
  });

  it("lists invoices with balance, due date and total, and the last messages with who sent them", () => {
    const blocks = escalationBlocks({ ...notice, ...facts, reason: "dispute" });
    expect(sectionTitled(blocks, "Invoices")?.text).toBe(
      [
        "*Invoices* (2 open, $1,025.50 in all)",
        "• #1061: $900.00 due Jan 29, 2027",
        "• #1062: $125.50 due Feb 10, 2027",
      ].join("\n"),
    );
    const messages = sectionTitled(blocks, "Last messages");
    expect(messages?.verbatim).toBe(true);
    expect(messages?.text).toBe(
      [
        "*Last messages*",
        "*Us* · <!date^1801490400^{date_short} {time}|2027-02-01 14:00 UTC>",
        "> Careful Cabinets: invoice 1061 for $900.00 is overdue. Pay: https://x.test/p/abc",
        "*Customer* · <!date^1801495800^{date_short} {time}|2027-02-01 15:30 UTC>",
        "> I never ordered this",
      ].join("\n"),
    );
  });

  it("escapes customer text so it cannot mention anyone or link", () => {
    const blocks = escalationBlocks({
      ...notice,
      reason: "dispute",
      text: "<!channel> pay <@U123> & <https://evil.test|here>",
      customerName: "<!here> Ltd",
      lastMessages: [{ direction: "inbound", body: "<!everyone>", at: "2027-02-01T15:30:00Z" }],
    });
    const shown = JSON.stringify(sectionTexts(blocks));
    // Only our own date token is a Slack control sequence.
    expect(shown).not.toMatch(/<(?!!date\^)[!@#]/);
    expect(shown).toContain(
      "&lt;!channel&gt; pay &lt;@U123&gt; &amp; &lt;https://evil.test|here&gt;",
    );
    expect(shown).toContain("&lt;!here&gt; Ltd");
    expect(shown).toContain("&lt;!everyone&gt;");
    expect(escalationText({ ...notice, reason: "dispute", text: "<!channel>" })).not.toContain(
      "<!channel>",
    );
  });

  it("keeps Spanish names and words as typed, in the blocks and the fallback text", () => {
    const spanish: SlackEscalation = {
      ...notice,
      reason: "verify_payment",
      text: "Ya pagué la factura, ¿me confirman? Gracias 🙏",
      customerName: "José Núñez Peña",
      invoices: [
        { docNumber: "Nº 1037", balanceMinor: 12_550, currency: "USD", dueDate: "2026-11-01" },
      ],
      lastMessages: [
        { direction: "inbound", body: "¿Cuánto debo? Mañana pago", at: "2026-11-02T15:00:00Z" },
      ],
    };
    const blocks = escalationBlocks(spanish);
    expectWithinBlockKitLimits(blocks);
    const shown = sectionTexts(blocks)
      .map((text) => text.text)
      .join("\n");
    expect(shown).toContain("José Núñez Peña");
    expect(shown).toContain("> Ya pagué la factura, ¿me confirman? Gracias 🙏");
    expect(shown).toContain("• #Nº 1037: $125.50 due Nov 1, 2026");
    expect(shown).toContain("> ¿Cuánto debo? Mañana pago");
    const text = escalationText(spanish);
    expect(text.split("\n")).toEqual([
      "Needs a person: Customer says they paid: please verify (José Núñez Peña, +15125550123)",
      "Customer wrote: “Ya pagué la factura, ¿me confirman? Gracias 🙏”",
      "Invoices: #Nº 1037 $125.50 due 2026-11-01",
      "Customer: ¿Cuánto debo? Mañana pago",
    ]);
  });

  it("truncates long bodies without splitting an emoji, keeping the newest messages inside 3000 chars", () => {
    const long = `${"ñ".repeat(398)}🙏${"x".repeat(2000)}`;
    const lastMessages = Array.from({ length: 20 }, (_, index) => ({
      direction: index % 2 === 0 ? ("outbound" as const) : ("inbound" as const),
      body: index === 19 ? "the newest one" : `${index}: ${long}`,
      at: new Date(Date.UTC(2027, 1, 1, 14, index)).toISOString(),
    }));
    const blocks = escalationBlocks({
      ...notice,
      reason: "dispute",
      text: "y".repeat(5000),
      customerName: "Z".repeat(400),
      lastMessages,
    });
    expectWithinBlockKitLimits(blocks);
    const messages = sectionTitled(blocks, "Last messages")?.text ?? "";
    expect(messages).toMatch(/^\*Last messages\*\n_\d+ earlier texts not shown_\n/);
    expect(messages.endsWith("> the newest one")).toBe(true);
    // Each body is cut at 400 chars with an ellipsis, never through a surrogate pair.
    expect(messages).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    for (const quoted of messages.split("\n").filter((line) => line.startsWith("> "))) {
      expect(quoted.length).toBeLessThanOrEqual(2 + 400);
    }
    const words = sectionTitled(blocks, "Customer wrote")?.text ?? "";
    expect(words.endsWith("…")).toBe(true);
    const customer = sectionTitled(blocks, "Customer")?.text ?? "";
    expect(customer.length).toBeLessThanOrEqual(2000);
    expect(customer.endsWith("…")).toBe(true);
    const text = escalationText({ ...notice, reason: "dispute", lastMessages });
    expect(text.length).toBeLessThanOrEqual(3000);
  });

  it("lists ten invoices and says how many more there are", () => {
    const invoices = Array.from({ length: 14 }, (_, index) => ({
      docNumber: String(2000 + index),
      balanceMinor: 10_000,
      currency: "USD",
      dueDate: "2027-01-01",
    }));
    const blocks = escalationBlocks({ ...notice, invoices });
    const text = sectionTitled(blocks, "Invoices")?.text ?? "";
    expect(text.split("\n")[0]).toBe("*Invoices* (14 open, $1,400.00 in all)");
    expect(text).toContain("• #2009:");
    expect(text).not.toContain("#2010");
    expect(text.endsWith("…and 4 more")).toBe(true);
    expect(escalationText({ ...notice, invoices })).toContain("; and 4 more");
  });

  it("shows no total across currencies, and an invoice without a number", () => {
    const blocks = escalationBlocks({
      ...notice,
      invoices: [
        { docNumber: null, balanceMinor: 5_000, currency: "USD", dueDate: "2027-01-01" },
        { docNumber: "77", balanceMinor: 1_000, currency: "JPY", dueDate: "2027-01-02" },
      ],
    });
    expect(sectionTitled(blocks, "Invoices")?.text).toBe(
      [
        "*Invoices*",
        "• Invoice without a number: $50.00 due Jan 1, 2027",
        "• #77: ¥1,000 due Jan 2, 2027",
      ].join("\n"),
    );
  });

  it("says what is missing: no customer on file, no open invoices, no texts yet", () => {
    const blocks = escalationBlocks({
      ...notice,
      reason: "landline",
      phone: "",
      invoices: [],
      lastMessages: [],
    });
    expectWithinBlockKitLimits(blocks);
    expect(sectionTitled(blocks, "Customer")?.text).toBe("*Customer*\nNot known");
    expect(sectionTitled(blocks, "Phone")?.text).toBe("*Phone*\nunknown");
    expect(sectionTitled(blocks, "Invoices")?.text).toBe("*Invoices*\nNo open invoices");
    expect(sectionTitled(blocks, "Last messages")?.text).toBe(
      "*Last messages*\nNo texts with this number yet",
    );
    expect(sectionTitled(blocks, "What happened")).toBeUndefined();
  });

  it("leaves out what the caller did not look up", () => {
    const blocks = escalationBlocks({ ...notice, reason: "dispute", text: "not mine" });
    expect(sectionTitled(blocks, "Invoices")).toBeUndefined();
    expect(sectionTitled(blocks, "Last messages")).toBeUndefined();
    expect(sectionTitled(blocks, "Customer wrote")?.text).toBe("*Customer wrote*\n> not mine");
  });

  it("the fallback text carries the customer, the invoices and the last messages", () => {
    expect(
      escalationText({
        ...notice,
        ...facts,
        reason: "dispute",
        text: "I never ordered this",
      }).split("\n"),
    ).toEqual([
      "Needs a person: Customer disputes the invoice (Careful Cabinets, +15125550123)",
      "Customer wrote: “I never ordered this”",
      "Invoices: #1061 $900.00 due 2027-01-29; #1062 $125.50 due 2027-02-10",
      "Us: Careful Cabinets: invoice 1061 for $900.00 is overdue. Pay: https://x.test/p/abc",
      "Customer: I never ordered this",
    ]);
  });
});
