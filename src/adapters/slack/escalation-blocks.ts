import type { StaffNotice, StaffNoticeStatus } from "../../app/ports.js";
import type { StaffNoticeInvoice, StaffNoticeMessage } from "../../app/staff-notice-port.js";
import { formatMoney } from "../../domain/message-format.js";

// The escalation message staff see in Slack, as Block Kit. One pure function renders every
// state of the notice so chat.update (take over, hand back, resolve) redraws the same layout,
// and staff replies go in the message's thread, so nothing here depends on what follows it.
// Limits from Block Kit: section text ≤ 3000 chars, a field ≤ 2000, header ≤ 150, button
// value ≤ 2000. Customer text is escaped and marked `verbatim` so it can neither mention,
// link nor reach a channel; the top-level `text` repeats the facts for notifications, screen
// readers and clients that show no blocks.

/** What the take-over flow reads back from a button click's `actions[0].value` (JSON). */
export interface EscalationButtonValue {
  companyId: string;
  threadId: string;
  taskId: string;
}

export const ESCALATION_ACTIONS = ["take_over", "hand_back", "mark_resolved"] as const;
export type EscalationActionId = (typeof ESCALATION_ACTIONS)[number];

export type EscalationInvoice = StaffNoticeInvoice;
export type EscalationMessage = StaffNoticeMessage;

/** The port's notice: the reason, the task's text and, when known, the thread's facts. */
export type SlackEscalation = StaffNotice;

export type EscalationStatus = StaffNoticeStatus;

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const HEADER_MAX = 150;
/** A fallback `text` far below Slack's 40,000: notifications show its first lines only. */
const FALLBACK_MAX = 3000;
const MESSAGE_BODY_MAX = 400;
const FALLBACK_BODY_MAX = 200;
const INVOICES_LISTED = 10;

const REASONS: Record<string, string> = {
  verify_payment: "Customer says they paid: please verify",
  paid_claim_unresolved: "Paid claim still unverified",
  dispute: "Customer disputes the invoice",
  human_requested: "Customer asked for a person",
  unclear_replies: "Replies the bot could not understand",
  promise_too_far: "Promised date is too far out",
  promise_broken: "A promised payment was missed",
  installment_missed: "A plan installment was missed",
  wrong_number: "Wrong number reported",
  customer_message: "New message from the customer",
  payment_failed: "A payment attempt failed",
  payment_received: "Payment received",
  ladder_exhausted: "Reminders are used up: please follow up",
  approval_needed: "A large invoice needs approval before its first text",
  landline: "The number is a landline: no texts can go out",
  fix_phone: "The customer's number cannot receive texts",
  message_filtered: "The carrier filtered a text",
  sending_paused: "Texting is paused for the company",
  missed_opt_out: "The customer had opted out at the carrier",
  unmapped_delivery_error: "A text failed with an unknown Twilio error",
};

/**
 * Reasons raised by a reply, whose task text is the customer's own words; every other
 * reason's text is our one line for staff (a landline, a filtered text, an approval).
 */
const CUSTOMER_WORDS = new Set([
  "verify_payment",
  "dispute",
  "human_requested",
  "unclear_replies",
  "promise_too_far",
  "wrong_number",
  "customer_message",
]);

export function reasonLabel(reason: string): string {
  return REASONS[reason] ?? reason.replaceAll("_", " ");
}

/** Slack's three control characters; everything else in mrkdwn is safe to show as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** At most `max` UTF-16 units, never splitting a surrogate pair (an emoji). */
function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end--;
  }
  return `${text.slice(0, end)}…`;
}

/** One line: a quote or a list item cannot span lines in mrkdwn. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Customer data, shortened before escaping so an entity is never cut in half. */
function shown(text: string, max: number): string {
  return escapeMrkdwn(truncate(oneLine(text), max));
}

function money(minor: number, currency: string): string {
  try {
    return formatMoney(minor, currency, "en");
  } catch {
    // An odd amount or currency code must not stop a staff notice from going out.
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** "Jan 29, 2027" from a YYYY-MM-DD date; anything else as given. */
function dueDate(date: string): string {
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T12:00:00Z`) : null;
  if (!instant || Number.isNaN(instant.getTime())) {
    return date;
  }
  return new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  }).format(instant);
}

/** Slack renders this in each reader's own time zone; the fallback is UTC. */
function slackTime(at: string): string {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) {
    return escapeMrkdwn(at);
  }
  const fallback = `${instant.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(instant.getTime() / 1000)}^{date_short} {time}|${fallback}>`;
}

function invoiceName(invoice: EscalationInvoice): string {
  return invoice.docNumber ? `#${invoice.docNumber}` : "Invoice without a number";
}

/** The total, when every invoice is in one currency. */
function invoiceTotal(invoices: EscalationInvoice[]): string | null {
  const [first] = invoices;
  if (!first || invoices.some((invoice) => invoice.currency !== first.currency)) {
    return null;
  }
  const sum = invoices.reduce((total, invoice) => total + invoice.balanceMinor, 0);
  return money(sum, first.currency);
}

function speaker(message: EscalationMessage): string {
  return message.direction === "inbound" ? "Customer" : "Us";
}

/**
 * Joins a title and lines into one section text of at most `max` chars. Lines that do not
 * fit are dropped from the front (`dropFrom: "start"`, the oldest messages) or the back, and
 * a note says how many are not shown (with `unlisted`, those left out before).
 */
function fitLines(
  title: string,
  lines: string[],
  options: {
    max: number;
    dropFrom: "start" | "end";
    unlisted?: number;
    omitted: (count: number) => string;
  },
): string {
  const kept = [...lines];
  const render = () => {
    const hidden = lines.length - kept.length + (options.unlisted ?? 0);
    const note = hidden > 0 ? [options.omitted(hidden)] : [];
    const body = options.dropFrom === "start" ? [...note, ...kept] : [...kept, ...note];
    return [title, ...body].join("\n");
  };
  let text = render();
  while (text.length > options.max && kept.length > 1) {
    if (options.dropFrom === "start") {
      kept.shift();
    } else {
      kept.pop();
    }
    text = render();
  }
  return truncate(text, options.max);
}

function mrkdwn(text: string, verbatim = false): Record<string, unknown> {
  return { type: "mrkdwn", text, ...(verbatim ? { verbatim: true } : {}) };
}

function section(text: string, verbatim = false): SlackBlock {
  return { type: "section", text: mrkdwn(truncate(text, SECTION_MAX), verbatim) };
}

/** The task's text: the customer's words quoted, or our line for staff. */
function reasonBlock(notice: SlackEscalation): SlackBlock | null {
  if (!notice.text?.trim()) {
    return null;
  }
  if (CUSTOMER_WORDS.has(notice.reason)) {
    return section(`*Customer wrote*\n> ${shown(notice.text, SECTION_MAX - 40)}`, true);
  }
  return section(`*What happened*\n${escapeMrkdwn(truncate(notice.text, SECTION_MAX - 40))}`);
}

function invoicesBlock(invoices: EscalationInvoice[]): SlackBlock {
  if (invoices.length === 0) {
    return section("*Invoices*\nNo open invoices");
  }
  const listed = invoices.slice(0, INVOICES_LISTED);
  const lines = listed.map(
    (invoice) =>
      `• ${escapeMrkdwn(truncate(invoiceName(invoice), 100))}: ` +
      `${money(invoice.balanceMinor, invoice.currency)} due ${escapeMrkdwn(dueDate(invoice.dueDate))}`,
  );
  const total = invoiceTotal(invoices);
  const title =
    invoices.length > 1 && total
      ? `*Invoices* (${invoices.length} open, ${total} in all)`
      : "*Invoices*";
  return section(
    fitLines(title, lines, {
      max: SECTION_MAX,
      dropFrom: "end",
      unlisted: invoices.length - listed.length,
      omitted: (count) => `…and ${count} more`,
    }),
  );
}

function messagesBlock(messages: EscalationMessage[]): SlackBlock {
  if (messages.length === 0) {
    return section("*Last messages*\nNo texts with this number yet");
  }
  const lines = messages.map(
    (message) =>
      `*${speaker(message)}* · ${slackTime(message.at)}\n> ${shown(message.body, MESSAGE_BODY_MAX)}`,
  );
  return section(
    fitLines("*Last messages*", lines, {
      max: SECTION_MAX,
      dropFrom: "start",
      omitted: (count) =>
        count === 1 ? "_1 earlier text not shown_" : `_${count} earlier texts not shown_`,
    }),
    true,
  );
}

/** The same facts as plain lines: Slack's notification, screen readers, the sandbox console. */
export function escalationText(notice: SlackEscalation): string {
  const who = notice.customerName
    ? `${oneLine(notice.customerName)}, ${notice.phone}`
    : notice.phone || "unknown number";
  const lines = [`Needs a person: ${reasonLabel(notice.reason)} (${who})`];
  if (notice.text?.trim()) {
    lines.push(
      CUSTOMER_WORDS.has(notice.reason)
        ? `Customer wrote: “${truncate(oneLine(notice.text), FALLBACK_BODY_MAX)}”`
        : truncate(oneLine(notice.text), FALLBACK_BODY_MAX * 2),
    );
  }
  if (notice.invoices && notice.invoices.length > 0) {
    const listed = notice.invoices
      .slice(0, INVOICES_LISTED)
      .map(
        (invoice) =>
          `${truncate(invoiceName(invoice), 100)} ${money(invoice.balanceMinor, invoice.currency)} due ${invoice.dueDate}`,
      );
    const more = notice.invoices.length - listed.length;
    lines.push(`Invoices: ${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}`);
  }
  for (const message of notice.lastMessages ?? []) {
    lines.push(`${speaker(message)}: ${truncate(oneLine(message.body), FALLBACK_BODY_MAX)}`);
  }
  return truncate(escapeMrkdwn(lines.join("\n")), FALLBACK_MAX);
}

function button(
  actionId: EscalationActionId,
  text: string,
  value: string,
  style?: "primary" | "danger",
): SlackBlock {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text },
    value,
    ...(style ? { style } : {}),
  };
}

function statusLine(status: EscalationStatus): string {
  switch (status.state) {
    case "open":
      return ":rotating_light: Open: nobody has taken this thread yet";
    case "taken_over":
      return `:raising_hand: Taken over by <@${status.by}>: the bot is paused`;
    case "handed_back":
      return `:robot_face: Handed back to the bot by <@${status.by}>`;
    case "resolved":
      return `:white_check_mark: Resolved by <@${status.by}>`;
  }
}

function buttonsFor(status: EscalationStatus, value: string): SlackBlock[] {
  const takeOver = button("take_over", "Take over", value, "primary");
  const handBack = button("hand_back", "Hand back", value);
  const resolve = button("mark_resolved", "Mark resolved", value);
  switch (status.state) {
    case "open":
      return [takeOver, handBack, resolve];
    case "taken_over":
      return [handBack, resolve];
    case "handed_back":
      return [takeOver, resolve];
    case "resolved":
      return [];
  }
}

export function escalationBlocks(
  notice: SlackEscalation,
  status: EscalationStatus = { state: "open" },
): SlackBlock[] {
  const value: EscalationButtonValue = {
    companyId: notice.companyId,
    threadId: notice.threadId,
    taskId: notice.taskId,
  };
  const blocks: SlackBlock[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(reasonLabel(notice.reason), HEADER_MAX) },
    },
  ];
  const reason = reasonBlock(notice);
  if (reason) {
    blocks.push(reason);
  }
  blocks.push({
    type: "section",
    fields: [
      mrkdwn(
        `*Customer*\n${notice.customerName ? shown(notice.customerName, 200) : "Not known"}`,
        true,
      ),
      mrkdwn(`*Phone*\n${escapeMrkdwn(truncate(notice.phone || "unknown", FIELD_MAX - 20))}`),
    ],
  });
  if (notice.invoices) {
    blocks.push(invoicesBlock(notice.invoices));
  }
  if (notice.lastMessages) {
    blocks.push(messagesBlock(notice.lastMessages));
  }
  blocks.push({
    type: "context",
    elements: [
      mrkdwn(statusLine(status)),
      mrkdwn(
        `Thread \`${escapeMrkdwn(notice.threadId)}\` · Task \`${escapeMrkdwn(notice.taskId)}\``,
      ),
    ],
  });
  const buttons = buttonsFor(status, JSON.stringify(value));
  if (buttons.length > 0) {
    blocks.push({ type: "actions", block_id: `escalation:${notice.taskId}`, elements: buttons });
  }
  return blocks;
}
