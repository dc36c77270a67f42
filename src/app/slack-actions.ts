import type { ThreadEvent } from "../../machines/thread.events.js";
import type { Clock, NewInboundEvent, ThreadKey } from "./ports.js";
import type { InboundHandler, InboundOutcome } from "./process-inbound-event.js";

// A staff member's click on an escalation's button (Take over / Hand back / Mark resolved)
// becomes a staff event for the thread the button names. The event goes through the same
// pipeline as any other (`thread.event`), keyed by the click, so a redelivered click is
// recognised there and changes nothing twice.

export interface SlackActionThreads {
  /** The thread's company and number; null when no such thread exists. */
  threadKey(threadId: string): Promise<ThreadKey | null>;
}

export interface SlackActionDeps {
  threads: SlackActionThreads;
  submit(event: Omit<NewInboundEvent, "receivedAt">): Promise<InboundOutcome & { id?: string }>;
  clock: Clock;
}

type StaffEventOf = (user: string, at: string) => ThreadEvent;

const STAFF_EVENTS: Record<string, StaffEventOf> = {
  take_over: (user, at) => ({ type: "staff.took_over", at, user }),
  hand_back: (user, at) => ({ type: "staff.released", at, user }),
  // Back to the ladder rather than closed: every reminder re-reads the invoices first, so one
  // settled meanwhile is dropped, while a closed thread would stop chasing what is still owed.
  mark_resolved: (user, at) => ({ type: "staff.resolved", at, user, outcome: "resume" }),
};

interface ButtonValue {
  companyId: string;
  threadId: string;
}

export function slackActionHandler(deps: SlackActionDeps): InboundHandler {
  return async (payload) => {
    const click = parseClick(payload);
    if ("rejected" in click) {
      return click;
    }
    const key = await deps.threads.threadKey(click.value.threadId);
    // The value is ours and the request is signed, but a button must not reach another
    // company's thread even if a post was copied across workspaces.
    if (!key || key.companyId !== click.value.companyId) {
      return { rejected: `No thread ${click.value.threadId} in company ${click.value.companyId}` };
    }
    await deps.submit({
      provider: "slack",
      externalId: `staff:${click.externalId}`,
      type: "thread.event",
      companyId: key.companyId,
      payload: {
        companyId: key.companyId,
        phone: key.phone,
        event: click.event(click.user, deps.clock.now().toISOString()),
      },
    });
    return undefined;
  };
}

function parseClick(
  payload: unknown,
):
  | { rejected: string }
  | { value: ButtonValue; user: string; event: StaffEventOf; externalId: string } {
  const record = asRecord(payload);
  const action = asRecord(Array.isArray(record?.actions) ? record.actions[0] : null);
  const user = asRecord(record?.user)?.id;
  const messageTs = asRecord(record?.container)?.message_ts ?? asRecord(record?.message)?.ts;
  if (!action || typeof user !== "string" || user === "" || typeof messageTs !== "string") {
    return { rejected: "A Slack click needs an action, the user and the message" };
  }
  const event = typeof action.action_id === "string" ? STAFF_EVENTS[action.action_id] : undefined;
  if (!event) {
    return { rejected: `No staff action "${String(action.action_id)}"` };
  }
  const value = parseValue(action.value);
  if (!value || typeof action.action_ts !== "string") {
    return { rejected: "The button carries no thread (value) or click time (action_ts)" };
  }
  return { value, user, event, externalId: `${messageTs}:${action.action_ts}` };
}

function parseValue(raw: unknown): ButtonValue | null {
  if (typeof raw !== "string") {
    return null;
  }
  try {
    const value = asRecord(JSON.parse(raw));
    return typeof value?.companyId === "string" && typeof value.threadId === "string"
      ? { companyId: value.companyId, threadId: value.threadId }
      : null;
  } catch {
    return null;
  }
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
