import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { type ThreadEffect, toEffects } from "../../../machines/thread.effects.js";
import {
  type ThreadEvent,
  type ThreadEventInput,
  threadEventSchema,
} from "../../../machines/thread.events.js";
import { TIMER_KEYS, threadMachine } from "../../../machines/thread.machine.js";
import {
  restoreThread,
  type ThreadSnapshot,
  topLevelState,
} from "../../../machines/thread.versions.js";
import { AT, INPUT } from "./thread-events.fixture.js";

// Two conversation gaps of issue 6, through the machine's pure transition(): a text that held
// a card number (REQ-57) and replies to a thread with nothing owed (`closed`).

type Sms = Extract<ThreadEventInput, { type: "sms.received" }>;

const OPEN = INPUT.openInvoices ?? [];
const PAID_UP = OPEN.map((invoice) => ({ ...invoice, balanceMinor: 0 }));
const MASKED = "my card is [card number removed], take it";

/** A customer's text as the host builds it; the schema fills the defaults. */
function text(intent: Sms["intent"], extra: Partial<Sms> = {}): ThreadEvent {
  return threadEventSchema.parse({
    type: "sms.received",
    at: AT,
    text: intent.toLowerCase(),
    intent,
    language: "en",
    ...extra,
  });
}

function card(intent: Sms["intent"], extra: Partial<Sms> = {}): ThreadEvent {
  return text(intent, { text: MASKED, cardNumberRedacted: true, ...extra });
}

function step(snapshot: ThreadSnapshot, event: ThreadEvent) {
  const [next, actions] = transition(threadMachine, snapshot, event);
  return { next, effects: toEffects(actions), state: topLevelState(next) };
}

function run(...events: ThreadEvent[]) {
  let snapshot = restoreThread(null, 1, INPUT);
  let last: ReturnType<typeof step> | null = null;
  for (const event of events) {
    last = step(snapshot, event);
    snapshot = last.next;
  }
  if (!last) {
    throw new Error("no events");
  }
  return last;
}

function texts(effects: ThreadEffect[]): string[] {
  return effects.flatMap((effect) =>
    effect.type === "sendSms"
      ? [`${effect.params.template}:${effect.params.kind}:${effect.params.language}`]
      : [],
  );
}

function staff(effects: ThreadEffect[]): string[] {
  return effects.flatMap((effect) => (effect.type === "notifyStaff" ? [effect.params.reason] : []));
}

const paidInFull: ThreadEvent = {
  type: "payment.received",
  at: AT,
  amountMinor: 30_000,
  currency: "USD",
  invoiceIds: ["iv_1"],
  openInvoices: PAID_UP,
};
const newOverdueInvoice: ThreadEvent = {
  type: "invoices.updated",
  at: AT,
  openInvoices: OPEN,
  paidInvoiceIds: [],
};
const staffTakesOver: ThreadEvent = { type: "staff.took_over", at: AT, user: "ana" };
const WARNING = "reply.card_number_warning:reply";

describe("the sms.received event", () => {
  it("says no card number unless the host says so", () => {
    const event = text("OTHER");
    expect(event.type === "sms.received" && event.cardNumberRedacted).toBe(false);
    expect(() => text("OTHER", { cardNumberRedacted: "true" as unknown as boolean })).toThrow();
  });
});

describe("a text that held a card number (REQ-57)", () => {
  it("gets one warning first, then the answer its words get (an unclear reply: the menu)", () => {
    const { effects, next } = run(card("OTHER"));
    expect(texts(effects)).toEqual([`${WARNING}:en`, "reply.menu:reply:en"]);
    expect(next.context.unclearReplies).toBe(1);
  });

  it("is warned in the customer's language, the one the answer uses", () => {
    const { effects } = run(
      card("OTHER", { language: "es", text: "mi tarjeta es [card number removed]" }),
    );
    expect(texts(effects)).toEqual([`${WARNING}:es`, "reply.menu:reply:es"]);
  });

  it("does everything the words ask for as well: a payment claim pauses and goes to staff", () => {
    const { effects, state } = run(card("PAID"));
    expect(state).toBe("paidClaimed");
    expect(texts(effects)).toEqual([`${WARNING}:en`, "reply.paid_ack:reply:en"]);
    expect(staff(effects)).toEqual(["verify_payment"]);
    // Staff read the masked words, never the number.
    const notice = effects.find((effect) => effect.type === "notifyStaff");
    expect(notice?.params).toMatchObject({ text: MASKED });
  });

  it("a promise with a card number: warned, and the promise is taken", () => {
    const { effects, state } = run(card("PROMISE", { promiseDate: "2026-11-27" }));
    expect(state).toBe("promised");
    expect(texts(effects)).toEqual([`${WARNING}:en`, "reply.promise_confirm:reply:en"]);
  });

  it("HELP with a card number: warned, and HELP answered", () => {
    expect(texts(run(card("HELP")).effects)).toEqual([`${WARNING}:en`, "reply.help:compliance:en"]);
  });

  it("warns while a person owns the thread, and forwards the masked words to them", () => {
    const { effects, state } = run(staffTakesOver, card("OTHER"));
    expect(state).toBe("handedOff");
    expect(texts(effects)).toEqual([`${WARNING}:en`]);
    expect(staff(effects)).toEqual(["customer_message"]);
  });

  it("warns in a disputed thread, and in a paid-up one", () => {
    expect(texts(run(text("DISPUTE"), card("OTHER")).effects)).toEqual([`${WARNING}:en`]);
    expect(texts(run(paidInFull, card("PROMISE", { promiseDate: null })).effects)).toEqual([
      `${WARNING}:en`,
      "reply.nothing_owed:reply:en",
    ]);
  });

  it("STOP with a card number: the confirmation is the only text (REQ-08)", () => {
    for (const stop of [
      card("STOP", { text: "STOP [card number removed]" }),
      card("STOP", { text: "stop texting me, here is [card number removed]" }),
    ]) {
      const { effects, state } = run(stop);
      expect(state).toBe("optedOut");
      expect(texts(effects)).toEqual(["reply.stop_confirm:compliance:en"]);
    }
  });

  it("WRONG_NUMBER with a card number: the confirmation is the only text", () => {
    const { effects, state } = run(card("WRONG_NUMBER"));
    expect(state).toBe("optedOut");
    expect(texts(effects)).toEqual(["reply.wrong_number_confirm:compliance:en"]);
  });

  it("an opted-out number gets compliance replies only: HELP, START's confirmation, else nothing", () => {
    const stop = text("STOP");
    expect(texts(run(stop, card("OTHER")).effects)).toEqual([]);
    expect(texts(run(stop, card("HELP")).effects)).toEqual(["reply.help:compliance:en"]);
    const start = run(stop, card("START"));
    expect(start.state).toBe("active");
    expect(texts(start.effects)).toEqual(["reply.start_confirm:compliance:en"]);
  });

  it("each such text is warned once; a text without one is not", () => {
    const first = run(card("OTHER"));
    const second = step(first.next, card("PAID"));
    expect(texts(second.effects)).toEqual([`${WARNING}:en`, "reply.paid_ack:reply:en"]);
    expect(texts(step(second.next, text("COPY")).effects)).toEqual(["reply.copy_link:reply:en"]);
  });
});

describe("replies when nothing is owed (closed)", () => {
  const closed = () => run(paidInFull);

  it("is where a full payment leaves the thread", () => {
    expect(closed().state).toBe("closed");
    expect(closed().next.context.openInvoices).toEqual([]);
  });

  it.each([
    ["PROMISE", { promiseDate: "2026-11-27" }],
    ["PROMISE", { promiseDate: "2027-03-01" }],
    ["PROMISE", { promiseDate: null }],
    ["PAID", {}],
    ["PLAN", {}],
  ] as const)("%s %j: 'nothing is owed', not an unclear reply, no staff task", (intent, extra) => {
    const { effects, state, next } = step(closed().next, text(intent, extra));
    expect(state).toBe("closed");
    expect(texts(effects)).toEqual(["reply.nothing_owed:reply:en"]);
    expect(staff(effects)).toEqual([]);
    expect(effects.map((effect) => effect.type)).toEqual(["sendSms"]);
    expect(next.context.unclearReplies).toBe(0);
  });

  it("answers in Spanish to a Spanish promise", () => {
    const { effects } = step(closed().next, text("PROMISE", { language: "es", promiseDate: null }));
    expect(texts(effects)).toEqual(["reply.nothing_owed:reply:es"]);
  });

  it("a promise breaks a run of unclear replies instead of extending it", () => {
    const unclear = step(closed().next, text("OTHER"));
    expect(unclear.next.context.unclearReplies).toBe(1);
    const promise = step(unclear.next, text("PROMISE", { promiseDate: null }));
    expect(promise.next.context.unclearReplies).toBe(0);
    const again = step(promise.next, text("OTHER"));
    expect(again.state).toBe("closed");
    expect(texts(again.effects)).toEqual(["reply.menu:reply:en"]);
  });

  it("keeps the other replies: unclear twice → staff, HUMAN → a person, COPY, HELP, STOP", () => {
    const once = step(closed().next, text("OTHER"));
    const twice = step(once.next, text("OTHER"));
    expect(twice.state).toBe("handedOff");
    expect(staff(twice.effects)).toEqual(["unclear_replies"]);

    const human = step(closed().next, text("HUMAN"));
    expect(human.state).toBe("handedOff");
    expect(texts(human.effects)).toEqual(["reply.handoff_ack:reply:en"]);
    expect(staff(human.effects)).toEqual(["human_requested"]);

    expect(texts(step(closed().next, text("COPY")).effects)).toEqual(["reply.copy_link:reply:en"]);
    expect(texts(step(closed().next, text("HELP")).effects)).toEqual(["reply.help:compliance:en"]);

    const stop = step(closed().next, text("STOP"));
    expect(stop.state).toBe("optedOut");
    expect(texts(stop.effects)).toEqual(["reply.stop_confirm:compliance:en"]);
  });

  it("a language switch after paying confirms the switch instead of repeating the paid reminder", () => {
    const reminded = run({
      type: "check.due",
      at: AT,
      key: "reminder",
      reminder: { template: "reminder.overdue", invoiceIds: ["iv_1"] },
      handOff: false,
    });
    expect(texts(reminded.effects)).toEqual(["reminder.overdue:reminder:en"]);
    // While the invoice is open, the switch repeats the reminder in Spanish.
    const open = step(reminded.next, text("LANGUAGE", { language: "es" }));
    expect(texts(open.effects)).toEqual(["reminder.overdue:reply:es"]);
    const paid = step(reminded.next, paidInFull);
    expect(paid.state).toBe("closed");
    const { effects, state } = step(paid.next, text("LANGUAGE", { language: "es" }));
    expect(state).toBe("closed");
    expect(texts(effects)).toEqual(["reply.language_switched:reply:es"]);
  });

  it("START from a number that never opted out is still read as unclear (as in every state)", () => {
    const { effects, state } = step(closed().next, text("START"));
    expect(state).toBe("closed");
    expect(texts(effects)).toEqual(["reply.menu:reply:en"]);
  });

  it("a dispute after paying is acknowledged and goes to staff, as in every other state", () => {
    const { effects, state } = step(
      closed().next,
      text("DISPUTE", { text: "you charged me twice" }),
    );
    expect(state).toBe("disputed");
    expect(texts(effects)).toEqual(["reply.dispute_ack:reply:en"]);
    expect(staff(effects)).toEqual(["dispute"]);
  });

  it("a new overdue invoice still reopens the thread, and a promise is then taken", () => {
    const reopened = step(closed().next, newOverdueInvoice);
    expect(reopened.state).toBe("active");
    const promise = step(reopened.next, text("PROMISE", { promiseDate: "2026-11-27" }));
    expect(promise.state).toBe("promised");
    expect(texts(promise.effects)).toEqual(["reply.promise_confirm:reply:en"]);
  });

  it("a thread staff closed with a balance still open answers as before (the menu), not 'nothing owed'", () => {
    const disputed = run(text("DISPUTE"));
    const closedByStaff = step(disputed.next, {
      type: "staff.resolved",
      at: AT,
      user: "ana",
      outcome: "close",
    });
    expect(closedByStaff.state).toBe("closed");
    expect(closedByStaff.next.context.openInvoices).not.toEqual([]);
    const promise = step(closedByStaff.next, text("PROMISE", { promiseDate: "2026-11-27" }));
    expect(texts(promise.effects)).toEqual(["reply.menu:reply:en"]);
  });
});

describe("a paid claim, from wherever it comes", () => {
  function escalationTimer(effects: ThreadEffect[]): string[] {
    return effects.flatMap((effect) =>
      effect.type === "scheduleTimer" && effect.params.key === TIMER_KEYS.paidClaimEscalate
        ? [effect.params.key]
        : [],
    );
  }

  it.each([
    ["the ladder", [] as ThreadEvent[]],
    ["a promise", [text("PROMISE", { promiseDate: "2026-11-27" })]],
    ["a plan", [text("PLAN"), text("PLAN", { text: "3", choice: 3 })]],
  ])("from %s: acknowledged, staff asked to verify, and escalated if nobody does", (_, before) => {
    const start = before.length > 0 ? run(...before) : null;
    if (start) {
      expect(["promised", "onPlan"]).toContain(start.state);
    }
    const claim = start ? step(start.next, text("PAID")) : run(text("PAID"));
    expect(claim.state).toBe("paidClaimed");
    expect(texts(claim.effects)).toEqual(["reply.paid_ack:reply:en"]);
    expect(staff(claim.effects)).toEqual(["verify_payment"]);
    expect(escalationTimer(claim.effects)).toEqual([TIMER_KEYS.paidClaimEscalate]);
    const due = step(claim.next, {
      type: "check.due",
      at: AT,
      key: TIMER_KEYS.paidClaimEscalate,
      reminder: null,
      handOff: false,
    });
    expect(staff(due.effects)).toEqual(["paid_claim_unresolved"]);
  });
});

describe("a payment recorded in QuickBooks (a check): what the reminder pass reports", () => {
  /** Nothing open any more; `paid` names the invoices QuickBooks shows paid off. */
  function quickbooks(paid: string[]): ThreadEvent {
    return threadEventSchema.parse({
      type: "invoices.updated",
      at: AT,
      openInvoices: [],
      paidInvoiceIds: paid,
    });
  }
  const paidByCheck = quickbooks(["iv_1"]);
  const voided = quickbooks([]);
  const reminder: ThreadEvent = {
    type: "check.due",
    at: AT,
    key: TIMER_KEYS.reminder,
    reminder: { template: "reminder.overdue", invoiceIds: ["iv_1"] },
    handOff: false,
  };

  function timersCancelled(effects: ThreadEffect[]): boolean {
    return effects.some((effect) => effect.type === "cancelTimers" && effect.params.keys === null);
  }

  it("says nothing was paid unless the host says so", () => {
    const event = threadEventSchema.parse({ type: "invoices.updated", at: AT, openInvoices: [] });
    expect(event.type === "invoices.updated" && event.paidInvoiceIds).toEqual([]);
  });

  it.each([
    ["en", "I paid"],
    ["es", "ya pagué"],
  ] as const)(
    "in %s, after “%s”: one thanks in that language, and the thread closes",
    (language, words) => {
      const claim = run(reminder, text("PAID", { language, text: words }));
      expect(claim.state).toBe("paidClaimed");
      const { effects, state, next } = step(claim.next, paidByCheck);
      expect(state).toBe("closed");
      expect(texts(effects)).toEqual([`reply.payment_thanks:reply:${language}`]);
      expect(staff(effects)).toEqual([]);
      expect(timersCancelled(effects)).toBe(true);
      expect(next.context.openInvoices).toEqual([]);
      // The next pass reports the same: nothing more is said.
      const again = step(next, paidByCheck);
      expect(again.state).toBe("closed");
      expect(texts(again.effects)).toEqual([]);
    },
  );

  it("a claim settled by a void or a deletion (no payment): closed without a thank-you", () => {
    const claim = run(reminder, text("PAID", { language: "es", text: "ya pagué" }));
    const { effects, state } = step(claim.next, voided);
    expect(state).toBe("closed");
    expect(texts(effects)).toEqual([]);
    expect(timersCancelled(effects)).toBe(true);
  });

  it("a paid-off invoice the thread was not chasing earns no thanks", () => {
    const claim = run(reminder, text("PAID"));
    const { effects, state } = step(claim.next, quickbooks(["iv_other"]));
    expect(state).toBe("closed");
    expect(texts(effects)).toEqual([]);
  });

  it("a check that leaves a balance open: no thanks, the claim stands", () => {
    const claim = run(reminder, text("PAID"));
    const partly = threadEventSchema.parse({
      type: "invoices.updated",
      at: AT,
      openInvoices: OPEN.map((invoice) => ({ ...invoice, balanceMinor: 10_000 })),
      paidInvoiceIds: [],
    });
    const { effects, state } = step(claim.next, partly);
    expect(state).toBe("paidClaimed");
    expect(texts(effects)).toEqual([]);
  });

  it.each([
    ["a promise", [text("PROMISE", { promiseDate: "2026-11-27" })], "promised"],
    ["a plan", [text("PLAN"), text("PLAN", { text: "3", choice: 3 })], "onPlan"],
  ] as const)("during %s: thanked as a card payment is, and closed", (_, before, from) => {
    const start = run(...before);
    expect(start.state).toBe(from);
    const { effects, state, next } = step(start.next, paidByCheck);
    expect(state).toBe("closed");
    expect(texts(effects)).toEqual(["reply.payment_thanks:reply:en"]);
    expect(next.context.promise).toBeNull();
    expect(next.context.plan).toBeNull();
    // Voided instead: closed, nothing said.
    const gone = step(start.next, voided);
    expect(gone.state).toBe("closed");
    expect(texts(gone.effects)).toEqual([]);
  });

  it("on the ladder (the customer said nothing): closed without a text, as before", () => {
    // A queued reminder may never have reached them (held for review, then lapsed).
    for (const before of [[], [reminder]]) {
      const start = before.length > 0 ? run(...before) : null;
      const { effects, state } = start ? step(start.next, paidByCheck) : run(paidByCheck);
      expect(state).toBe("closed");
      expect(texts(effects)).toEqual([]);
      expect(timersCancelled(effects)).toBe(true);
    }
    // A card payment there came through a link we sent: thanked.
    expect(texts(run(reminder, paidInFull).effects)).toEqual(["reply.payment_thanks:reply:en"]);
  });

  it("while staff own the thread: no text; staff are told and it closes, as with a card payment", () => {
    const handedOff = run(reminder, staffTakesOver);
    const { effects, state, next } = step(handedOff.next, paidByCheck);
    expect(state).toBe("closed");
    expect(texts(effects)).toEqual([]);
    expect(staff(effects)).toEqual(["payment_received"]);
    expect(next.context.handOff).toBeNull();
    // A void leaves it with staff.
    const gone = step(handedOff.next, voided);
    expect(gone.state).toBe("handedOff");
    expect(texts(gone.effects)).toEqual([]);
    expect(staff(gone.effects)).toEqual([]);
  });

  it.each([
    ["disputed", [reminder, text("DISPUTE")]],
    ["optedOut", [reminder, text("STOP")]],
    ["closed", [reminder, paidInFull]],
  ] as const)("in %s: no text, and the state stays", (from, before) => {
    const start = run(...before);
    expect(start.state).toBe(from);
    const { effects, state } = step(start.next, paidByCheck);
    expect(state).toBe(from);
    expect(texts(effects)).toEqual([]);
  });
});
