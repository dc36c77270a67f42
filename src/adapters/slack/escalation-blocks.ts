import type { StaffNotice } from "../../app/ports.js";

// The escalation message staff see in Slack, as Block Kit. One pure function renders every
// state of the notice so chat.update (take over, hand back, resolve) redraws the same layout.
// Limits from Block Kit: section text ≤ 3000 chars, header ≤ 150, button value ≤ 2000.

/** What the take-over flow reads back from a button click's `actions[0].value` (JSON). */
export interface EscalationButtonValue {
  companyId: string;
  threadId: string;
  taskId: string;
}

export const ESCALATION_ACTIONS = ["take_over", "hand_back", "mark_resolved"] as const;
export type EscalationActionId = (typeof ESCALATION_ACTIONS)[number];

export interface EscalationInvoice {
  docNumber: string | null;
  balanceMinor: number;
  currency: string;
  dueDate: string;
}

export interface EscalationMessage {
  direction: "inbound" | "outbound";
  body: string;
}

/**
 * The port's notice plus what the message can show when the caller knows it. The fields are
 * optional because StaffNotice (src/app/ports.ts) does not carry them yet.
 */
export interface SlackEscalation extends StaffNotice {
  customerName?: string;
  invoices?: EscalationInvoice[];
  lastMessages?: EscalationMessage[];
}

export type EscalationStatus =
  | { state: "open" }
  | { state: "taken_over"; by: string }
  | { state: "handed_back"; by: string }
  | { state: "resolved"; by: string };

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

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
};

export function reasonLabel(reason: string): string {
  return REASONS[reason] ?? reason.replaceAll("_", " ");
}

/** Slack's three control characters; everything else in mrkdwn is safe to show as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function money(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minor / 100);
  } catch {
    // An unknown currency code must not stop a staff notice from going out.
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

export function escalationText(notice: SlackEscalation): string {
  const who = notice.customerName ?? notice.phone;
  return truncate(`Needs a person: ${reasonLabel(notice.reason)} (${who})`, 3000);
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
      text: { type: "plain_text", text: truncate(reasonLabel(notice.reason), 150) },
    },
    {
      type: "section",
      fields: [
        {
          type: "mrkdwn",
          text: `*Customer*\n${escapeMrkdwn(truncate(notice.customerName ?? "Unknown", 200))}`,
        },
        { type: "mrkdwn", text: `*Phone*\n${escapeMrkdwn(notice.phone || "unknown")}` },
      ],
    },
  ];
  if (notice.invoices && notice.invoices.length > 0) {
    const lines = notice.invoices.map(
      (invoice) =>
        `• ${escapeMrkdwn(invoice.docNumber ? `#${invoice.docNumber}` : "Invoice")}: ` +
        `${money(invoice.balanceMinor, invoice.currency)} due ${escapeMrkdwn(invoice.dueDate)}`,
    );
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncate(`*Invoices*\n${lines.join("\n")}`, 3000) },
    });
  }
  const messages =
    notice.lastMessages ??
    (notice.text ? [{ direction: "inbound" as const, body: notice.text }] : []);
  if (messages.length > 0) {
    const lines = messages.map(
      (message) =>
        `> ${message.direction === "inbound" ? "Customer" : "Bot"}: ` +
        escapeMrkdwn(truncate(message.body.replaceAll("\n", " "), 400)),
    );
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncate(`*Last messages*\n${lines.join("\n")}`, 3000) },
    });
  }
  blocks.push({
    type: "context",
    elements: [
      { type: "mrkdwn", text: statusLine(status) },
      {
        type: "mrkdwn",
        text: `Thread \`${escapeMrkdwn(notice.threadId)}\` · Task \`${escapeMrkdwn(notice.taskId)}\``,
      },
    ],
  });
  const buttons = buttonsFor(status, JSON.stringify(value));
  if (buttons.length > 0) {
    blocks.push({ type: "actions", block_id: `escalation:${notice.taskId}`, elements: buttons });
  }
  return blocks;
}
