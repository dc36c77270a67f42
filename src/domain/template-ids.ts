// Every template id the bot can name. Each must exist as `prompts/sms/<id>.<language>.md`
// for every language (a test checks it). Kept in the domain ring because both the ladder
// policy (src/domain) and the thread machine name them.

export const LANGUAGES = ["en", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Ladder steps choose one of these; the ladder itself is `company-settings.ts` + `ladder.ts`. */
export const REMINDER_TEMPLATES = [
  "reminder.before_due",
  "reminder.due_today",
  "reminder.overdue",
  "reminder.overdue_plan_offer",
  "reminder.final",
] as const;
export type ReminderTemplate = (typeof REMINDER_TEMPLATES)[number];

const reminderTemplates = new Set<string>(REMINDER_TEMPLATES);

/** Whether a template id is one of the ladder's (worded by the days past due). */
export function isReminderTemplate(template: string): template is ReminderTemplate {
  return reminderTemplates.has(template);
}

export const TEMPLATE_IDS = [
  ...REMINDER_TEMPLATES,
  "reminder.promise_missed",
  "reminder.installment",
  "reply.help",
  "reply.stop_confirm",
  "reply.start_confirm",
  "reply.wrong_number_confirm",
  "reply.paid_ack",
  "reply.dispute_ack",
  "reply.plan_offer",
  "reply.plan_confirm",
  "reply.promise_confirm",
  "reply.copy_link",
  "reply.handoff_ack",
  "reply.language_switched",
  "reply.language_choice",
  "reply.menu",
  "reply.payment_thanks",
  "reply.payment_partial_thanks",
  "reply.payment_failed",
  "reply.nothing_owed",
  "reply.card_number_warning",
  "staff.message",
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];
