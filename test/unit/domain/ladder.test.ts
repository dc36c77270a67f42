import { describe, expect, it } from "vitest";
import { addDays } from "../../../src/domain/calendar.js";
import { parseCompanySettings } from "../../../src/domain/company-settings.js";
import { type LadderInvoice, planReminder } from "../../../src/domain/ladder.js";

const settings = parseCompanySettings({});
const today = "2026-12-10";

function invoice(
  overrides: Partial<LadderInvoice> & { id: string; dueDate: string },
): LadderInvoice {
  return { balanceMinor: 10_000, lastReminderDay: null, needsApproval: "no", ...overrides };
}

function plan(
  invoices: LadderInvoice[],
  options: {
    segment?: "default" | "recurring" | "net60" | "excluded";
    repeatedLate?: boolean;
    approvalThresholdMinor?: number;
  } = {},
) {
  return planReminder({
    invoices,
    segment: options.segment ?? "default",
    settings: { ...settings, approvalThresholdMinor: options.approvalThresholdMinor ?? null },
    today,
    repeatedLate: options.repeatedLate ?? false,
  });
}

describe("planReminder (default ladder)", () => {
  it.each([
    [-4, null, null],
    [-3, "reminder.before_due", -3],
    [-1, "reminder.before_due", -3],
    [0, "reminder.due_today", 0],
    [3, "reminder.overdue", 3],
    [7, "reminder.overdue_plan_offer", 7],
    [14, "reminder.final", 14],
  ] as const)("an invoice %i days after due asks for %s", (age, template, mark) => {
    const result = plan([invoice({ id: "a", dueDate: addDays(today, -age) })]);
    expect(result.text?.template ?? null).toBe(template);
    expect(result.marks.a ?? null).toBe(mark);
  });

  it("does not repeat a rung already used, and names the next rung's date", () => {
    const result = plan([invoice({ id: "a", dueDate: addDays(today, -4), lastReminderDay: 3 })]);
    expect(result.text).toBeNull();
    expect(result.nextDate).toBe(addDays(today, 3));
  });

  it("skips missed rungs instead of replaying them", () => {
    const result = plan([invoice({ id: "a", dueDate: addDays(today, -10), lastReminderDay: -3 })]);
    expect(result.text?.template).toBe("reminder.overdue_plan_offer");
    expect(result.marks).toEqual({ a: 7 });
    expect(result.nextDate).toBe(addDays(today, 4));
  });

  it("hands the thread to staff at day 21, with no text", () => {
    const result = plan([invoice({ id: "a", dueDate: addDays(today, -21), lastReminderDay: 14 })]);
    expect(result.text).toBeNull();
    expect(result.staffInvoiceIds).toEqual(["a"]);
    expect(result.nextDate).toBeNull();
  });

  it("the oldest invoice leads: one text, its wording, naming every invoice on the ladder", () => {
    const result = plan([
      invoice({ id: "b", dueDate: addDays(today, -3) }),
      invoice({ id: "a", dueDate: addDays(today, -14), lastReminderDay: 7 }),
      invoice({ id: "c", dueDate: addDays(today, -5), lastReminderDay: 3 }),
      invoice({ id: "later", dueDate: addDays(today, 10) }),
    ]);
    expect(result.text).toEqual({ template: "reminder.final", invoiceIds: ["a", "c", "b"] });
    expect(result.marks).toEqual({ a: 14, b: 3 });
    expect(result.nextDate).toBe(addDays(today, 7));
  });

  it("a newer invoice reaching its own rung does not add a text: it is named in the next one", () => {
    const result = plan([
      invoice({ id: "old", dueDate: addDays(today, -5), lastReminderDay: 3 }),
      invoice({ id: "new", dueDate: addDays(today, -3) }),
    ]);
    expect(result.text).toBeNull();
    expect(result.nextDate).toBe(addDays(today, 2));
    const next = planReminder({
      invoices: [
        invoice({ id: "old", dueDate: addDays(today, -7), lastReminderDay: 3 }),
        invoice({ id: "new", dueDate: addDays(today, -5) }),
      ],
      segment: "default",
      settings,
      today,
      repeatedLate: false,
    });
    expect(next.text).toEqual({
      template: "reminder.overdue_plan_offer",
      invoiceIds: ["old", "new"],
    });
    expect(next.marks).toEqual({ old: 7, new: 3 });
  });

  it("ignores paid invoices", () => {
    const result = plan([invoice({ id: "a", dueDate: today, balanceMinor: 0 })]);
    expect(result.text).toBeNull();
    expect(result.nextDate).toBeNull();
  });
});

describe("planReminder (segments and approval)", () => {
  it("recurring: day 7 only, staff at day 14 only when the previous invoice was late too", () => {
    expect(
      plan([invoice({ id: "a", dueDate: addDays(today, -3) })], { segment: "recurring" }).text,
    ).toBeNull();
    expect(
      plan([invoice({ id: "a", dueDate: addDays(today, -7) })], { segment: "recurring" }).text
        ?.template,
    ).toBe("reminder.overdue");
    const once = plan([invoice({ id: "a", dueDate: addDays(today, -14), lastReminderDay: 7 })], {
      segment: "recurring",
    });
    expect(once.staffInvoiceIds).toEqual([]);
    expect(once.marks).toEqual({ a: 14 });
    const twice = plan([invoice({ id: "a", dueDate: addDays(today, -14), lastReminderDay: 7 })], {
      segment: "recurring",
      repeatedLate: true,
    });
    expect(twice.staffInvoiceIds).toEqual(["a"]);
  });

  it("net60: never texts, staff at day 21", () => {
    expect(
      plan([invoice({ id: "a", dueDate: addDays(today, -20) })], { segment: "net60" }).text,
    ).toBeNull();
    expect(
      plan([invoice({ id: "a", dueDate: addDays(today, -21) })], { segment: "net60" })
        .staffInvoiceIds,
    ).toEqual(["a"]);
  });

  it("excluded: nothing, ever", () => {
    const result = plan([invoice({ id: "a", dueDate: addDays(today, -30) })], {
      segment: "excluded",
    });
    expect(result).toMatchObject({ text: null, staffInvoiceIds: [], nextDate: null });
  });

  it("an invoice above the approval threshold waits for approval before its first text", () => {
    const big = invoice({ id: "big", dueDate: today, balanceMinor: 600_000 });
    const waiting = plan([big], { approvalThresholdMinor: 500_000 });
    expect(waiting.text).toBeNull();
    expect(waiting.approvalNeededIds).toEqual(["big"]);
    expect(
      plan([{ ...big, needsApproval: "pending" }], { approvalThresholdMinor: 500_000 })
        .approvalNeededIds,
    ).toEqual([]);
    expect(
      plan([{ ...big, needsApproval: "approved" }], { approvalThresholdMinor: 500_000 }).text
        ?.template,
    ).toBe("reminder.due_today");
    expect(
      plan([{ ...big, balanceMinor: 500_000 }], { approvalThresholdMinor: 500_000 }).text?.template,
    ).toBe("reminder.due_today");
  });
});
