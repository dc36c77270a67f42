import { addDays, daysBetween, type LocalDate } from "./calendar.js";
import type { CompanySettings, LadderStep, Segment } from "./company-settings.js";
import type { ReminderTemplate } from "./template-ids.js";

// The dunning ladder as a pure function of invoice facts, segment, settings and today's date
// in the customer's time zone. Nothing here counts texts: which rung is due is recomputed on
// every check from the due date and the last rung already used for each invoice.

export interface LadderInvoice {
  id: string;
  dueDate: LocalDate;
  balanceMinor: number;
  /** The ladder day of the last reminder that covered this invoice; null if none yet. */
  lastReminderDay: number | null;
  needsApproval: "no" | "pending" | "approved";
}

export interface LadderInput {
  invoices: LadderInvoice[];
  segment: Segment;
  settings: Pick<CompanySettings, "ladders" | "approvalThresholdMinor">;
  today: LocalDate;
  /** The customer's previous invoice also reached the recurring segment's escalation rung. */
  repeatedLate: boolean;
}

export interface ReminderPlan {
  /** One text covering every invoice that has reached the ladder, or null if none is due. */
  text: { template: ReminderTemplate; invoiceIds: string[] } | null;
  /** Invoices covered when the ladder hands the thread to a person today. */
  staffInvoiceIds: string[];
  /** Invoices over the approval threshold that reached their first rung without approval. */
  approvalNeededIds: string[];
  /**
   * The ladder day each invoice is at after this plan, for the invoices the plan covers
   * (texted, handed to staff, or a rung passed silently): written back as lastReminderDay.
   */
  marks: Record<string, number>;
  /** The next local date on which the leading invoice reaches a rung; null if none remains. */
  nextDate: LocalDate | null;
}

function needsApproval(invoice: LadderInvoice, settings: LadderInput["settings"]): boolean {
  const threshold = settings.approvalThresholdMinor;
  return (
    threshold !== null && invoice.balanceMinor > threshold && invoice.needsApproval !== "approved"
  );
}

/** The latest rung reached by `age` days after due, if any. */
function latestReached(steps: readonly LadderStep[], age: number): LadderStep | undefined {
  let latest: LadderStep | undefined;
  for (const step of steps) {
    if (step.day <= age) {
      latest = step;
    }
  }
  return latest;
}

/**
 * The template whose words are true for a text that goes out `daysPastDue` days after the due
 * date it names (negative = before). A rung is often reached late (a due date on a Sunday or
 * a holiday, a first sync after the date, a paused ladder) and templates cannot count days:
 * "due today" / "vence hoy" goes out on the due date only (after it the text reads "was due
 * <date>", before it "due <date>"), and the overdue wordings ("was due", "venció") never go
 * out on or before the due date (a rung an admin put there reads as the due-date or friendly
 * text instead, without its plan offer). `reminder.before_due` and `reminder.final` state only
 * the date, so they are true on any day; before_due still gives way to the overdue wording
 * once past due. The ladder applies this on the day it plans; a text held back to a later
 * day is rendered by the dispatcher, which can apply it again with the send day.
 */
export function reminderTemplateFor(
  template: ReminderTemplate,
  daysPastDue: number,
): ReminderTemplate {
  if (template === "reminder.final") {
    return template;
  }
  if (daysPastDue > 0) {
    return template === "reminder.before_due" || template === "reminder.due_today"
      ? "reminder.overdue"
      : template;
  }
  if (daysPastDue === 0) {
    return template === "reminder.before_due" ? template : "reminder.due_today";
  }
  return "reminder.before_due";
}

/**
 * What the ladder asks for today. The customer's oldest open invoice leads: its rungs decide
 * when a text goes and how it reads, and every other invoice that has reached the ladder is
 * named in the same text (one text, the total, the most urgent wording), so several
 * invoices never mean several texts. A rung missed while sending was paused is not replayed:
 * only the latest reached rung counts, worded for today (`reminderTemplateFor`).
 */
export function planReminder(input: LadderInput): ReminderPlan {
  const steps = input.settings.ladders[input.segment];
  const open = input.invoices
    .filter((invoice) => invoice.balanceMinor > 0)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const approvalNeededIds: string[] = [];
  const eligible: LadderInvoice[] = [];
  for (const invoice of open) {
    if (!needsApproval(invoice, input.settings)) {
      eligible.push(invoice);
    } else if (
      invoice.needsApproval === "no" &&
      latestReached(steps, daysBetween(invoice.dueDate, input.today)) !== undefined
    ) {
      approvalNeededIds.push(invoice.id);
    }
  }
  const nothing: ReminderPlan = {
    text: null,
    staffInvoiceIds: [],
    approvalNeededIds,
    marks: {},
    nextDate: null,
  };
  const lead = eligible[0];
  if (!lead) {
    return nothing;
  }
  const latest = latestReached(steps, daysBetween(lead.dueDate, input.today));
  const isNew =
    latest !== undefined && (lead.lastReminderDay === null || latest.day > lead.lastReminderDay);
  if (!latest || !isNew) {
    return { ...nothing, nextDate: nextRungDate(lead, steps, input.today, lead.lastReminderDay) };
  }

  // Every invoice on the ladder is covered by today's decision: its reached rungs are used.
  const covered = eligible.filter(
    (invoice) => latestReached(steps, daysBetween(invoice.dueDate, input.today)) !== undefined,
  );
  const marks: Record<string, number> = {};
  for (const invoice of covered) {
    const reached = latestReached(steps, daysBetween(invoice.dueDate, input.today));
    if (reached && (invoice.lastReminderDay === null || reached.day > invoice.lastReminderDay)) {
      marks[invoice.id] = reached.day;
    }
  }
  const nextDate = nextRungDate(lead, steps, input.today, latest.day);
  const ids = covered.map((invoice) => invoice.id);
  if (latest.action === "text") {
    return {
      ...nothing,
      // The lead's due date is the one the text names (the earliest of those covered).
      text: {
        template: reminderTemplateFor(latest.template, daysBetween(lead.dueDate, input.today)),
        invoiceIds: ids,
      },
      marks,
      nextDate,
    };
  }
  if (latest.action === "staff" || input.repeatedLate) {
    return { ...nothing, staffInvoiceIds: ids, marks, nextDate };
  }
  // A recurring customer's first late month: the rung passes quietly.
  return { ...nothing, marks, nextDate };
}

function nextRungDate(
  invoice: LadderInvoice,
  steps: readonly LadderStep[],
  today: LocalDate,
  usedUpTo: number | null,
): LocalDate | null {
  for (const step of steps) {
    if (usedUpTo !== null && step.day <= usedUpTo) {
      continue;
    }
    const date = addDays(invoice.dueDate, step.day);
    if (date > today) {
      return date;
    }
  }
  return null;
}
