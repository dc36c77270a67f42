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
  /** One text covering every invoice that has reached its ladder, or null if none is due. */
  text: { template: ReminderTemplate; invoiceIds: string[] } | null;
  /** Invoices whose ladder hands the thread to a person today. */
  staffInvoiceIds: string[];
  /** Invoices over the approval threshold that reached their first rung without approval. */
  approvalNeededIds: string[];
  /**
   * The ladder day each invoice is at after this plan, for the invoices the plan covers
   * (texted, handed to staff, or a rung passed silently): written back as lastReminderDay.
   */
  marks: Record<string, number>;
  /** The next local date on which a rung comes due for any invoice; null if none remains. */
  nextDate: LocalDate | null;
}

const TEMPLATE_SEVERITY: readonly ReminderTemplate[] = [
  "reminder.before_due",
  "reminder.due_today",
  "reminder.overdue",
  "reminder.overdue_plan_offer",
  "reminder.final",
];

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
 * What the ladder asks for today. Several invoices reaching rungs on the same day become one
 * text naming all of them (the most urgent rung's wording); a rung missed while sending was
 * paused is not replayed: only the latest reached rung counts.
 */
export function planReminder(input: LadderInput): ReminderPlan {
  const steps = input.settings.ladders[input.segment];
  const open = input.invoices
    .filter((invoice) => invoice.balanceMinor > 0)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const marks: Record<string, number> = {};
  const staffInvoiceIds: string[] = [];
  const approvalNeededIds: string[] = [];
  const covered: string[] = [];
  let template: ReminderTemplate | null = null;

  for (const invoice of open) {
    const age = daysBetween(invoice.dueDate, input.today);
    const latest = latestReached(steps, age);
    if (!latest) {
      continue;
    }
    if (needsApproval(invoice, input.settings)) {
      if (invoice.needsApproval === "no") {
        approvalNeededIds.push(invoice.id);
      }
      continue;
    }
    const isNew = invoice.lastReminderDay === null || latest.day > invoice.lastReminderDay;
    // Every reached invoice is named in today's text, so each rung it passed is used up.
    covered.push(invoice.id);
    if (!isNew) {
      continue;
    }
    marks[invoice.id] = latest.day;
    if (latest.action === "text") {
      if (
        template === null ||
        TEMPLATE_SEVERITY.indexOf(latest.template) > TEMPLATE_SEVERITY.indexOf(template)
      ) {
        template = latest.template;
      }
    } else if (latest.action === "staff" || input.repeatedLate) {
      staffInvoiceIds.push(invoice.id);
    }
  }

  const text =
    template === null
      ? null
      : {
          template,
          invoiceIds: covered.filter((id) => !staffInvoiceIds.includes(id)),
        };
  return {
    text: text && text.invoiceIds.length > 0 ? text : null,
    staffInvoiceIds,
    approvalNeededIds,
    marks,
    nextDate: nextRungDate(open, steps, input.today, marks),
  };
}

function nextRungDate(
  open: readonly LadderInvoice[],
  steps: readonly LadderStep[],
  today: LocalDate,
  marks: Record<string, number>,
): LocalDate | null {
  let next: LocalDate | null = null;
  for (const invoice of open) {
    const usedUpTo = marks[invoice.id] ?? invoice.lastReminderDay;
    for (const step of steps) {
      if (usedUpTo !== null && step.day <= usedUpTo) {
        continue;
      }
      const date = addDays(invoice.dueDate, step.day);
      if (date > today && (next === null || date < next)) {
        next = date;
      }
    }
  }
  return next;
}
