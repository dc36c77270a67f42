import { assign, enqueueActions, setup } from "xstate";
import { addDays, daysBetween, instantAtLocalTime, localDateOf } from "../src/domain/calendar.js";
import { splitIntoInstallments } from "../src/domain/money.js";
import {
  createInitialContext,
  type Installment,
  type ThreadContext,
  type ThreadInput,
  totalOpenMinor,
} from "./thread.context.js";
import type {
  CancelTimersParams,
  CreatePlanParams,
  FlagCustomerParams,
  NotifyStaffParams,
  RecordConsentParams,
  RecordPromiseParams,
  RedrawStaffNoticesParams,
  ResolveStaffTasksParams,
  ScheduleTimerParams,
  SendSmsParams,
  StaffNoticeState,
  StaffReason,
} from "./thread.effects.js";
import type { Intent, ThreadEvent } from "./thread.events.js";
import type { TemplateId } from "./thread.templates.js";

// One thread per (company, customer phone). Pure: time comes from `event.at`, effects are
// declared as named actions with params and executed by the host after it persists them.
// No `after` delays: timers are rows (scheduleTimer/cancelTimers) that come back as check.due.

export const TIMER_KEYS = {
  reminder: "reminder",
  promiseCheck: "promise.check",
  paidClaimEscalate: "paid_claim.escalate",
  installmentRemind: "installment.remind",
  installmentCheck: "installment.check",
} as const;

type SmsEvent = Extract<ThreadEvent, { type: "sms.received" }>;
type Args = { context: ThreadContext; event: ThreadEvent };

const noop = () => {};

function smsEvent(event: ThreadEvent): SmsEvent | null {
  return event.type === "sms.received" ? event : null;
}

function checkAt(date: string, context: ThreadContext): string {
  return instantAtLocalTime(date, context.policy.checkHour, 0, context.timeZone).toISOString();
}

function today(context: ThreadContext, event: ThreadEvent): string {
  return localDateOf(new Date(event.at), context.timeZone);
}

function openInvoiceIds(context: ThreadContext): string[] {
  return context.openInvoices.map((invoice) => invoice.id);
}

function balanceVars(context: ThreadContext): Record<string, string> {
  return {
    balanceMinor: String(totalOpenMinor(context)),
    currency: context.openInvoices[0]?.currency ?? "USD",
    invoiceIds: openInvoiceIds(context).join(","),
  };
}

function planOptions(context: ThreadContext): number[] {
  const { planMinInstallments, planMaxInstallments } = context.policy;
  const options: number[] = [];
  for (let count = planMinInstallments; count <= Math.min(planMaxInstallments, 4); count++) {
    options.push(count);
  }
  return options;
}

function buildPlan(context: ThreadContext, count: number, startDate: string): Installment[] {
  return splitIntoInstallments(totalOpenMinor(context), count).map((amountMinor, index) => ({
    number: index + 1,
    dueDate: addDays(startDate, index * context.policy.planIntervalDays),
    amountMinor,
    paidMinor: 0,
  }));
}

function nextUnpaidInstallment(context: ThreadContext): Installment | undefined {
  return context.plan?.installments.find(
    (installment) => installment.paidMinor < installment.amountMinor,
  );
}

function applyPaymentToPlan(installments: Installment[], amountMinor: number): Installment[] {
  let remaining = amountMinor;
  return installments.map((installment) => {
    const owed = installment.amountMinor - installment.paidMinor;
    const applied = Math.min(owed, remaining);
    remaining -= applied;
    return { ...installment, paidMinor: installment.paidMinor + applied };
  });
}

/** Longer than this, an opt-out says something more than the keyword ("stop", "opt out now"). */
const OPT_OUT_KEYWORD_WORDS = 3;

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

function isIntent(event: ThreadEvent, ...intents: Intent[]): boolean {
  const sms = smsEvent(event);
  return sms !== null && intents.includes(sms.intent);
}

function sms(
  template: TemplateId,
  kind: SendSmsParams["kind"],
  vars: (args: Args) => Record<string, string> = () => ({}),
) {
  return {
    type: "sendSms" as const,
    params: (args: Args): SendSmsParams => ({
      template,
      kind,
      language: args.context.language,
      vars: vars(args),
    }),
  };
}

function notify(reason: NotifyStaffParams["reason"], withText = false) {
  return {
    type: "notifyStaff" as const,
    params: ({ event }: Args): NotifyStaffParams => {
      const text = withText ? smsEvent(event)?.text : undefined;
      return text === undefined ? { reason } : { reason, text };
    },
  };
}

const cancelAllTimers = { type: "cancelTimers" as const, params: { keys: null } };

/** Staff see a take-over, hand-back or resolution on the Slack posts they act from. */
function redrawNotices(state: StaffNoticeState) {
  return {
    type: "redrawStaffNotices" as const,
    params: ({ event }: Args): RedrawStaffNoticesParams => ({
      state,
      by: "user" in event ? event.user : "staff",
    }),
  };
}

/**
 * When everything is paid the thread closes, and the staff tasks that asked a person to check
 * a payment (a customer's "I paid", one still unverified) are done: the payment is there.
 */
const closeAsPaid = [
  cancelAllTimers,
  {
    type: "resolveStaffTasks" as const,
    params: { reasons: ["verify_payment", "paid_claim_unresolved"] as StaffReason[] },
  },
];

/** A payment or QuickBooks' invoices leave no balance open. */
function nothingOwed(event: ThreadEvent): boolean {
  return (
    (event.type === "payment.received" || event.type === "invoices.updated") &&
    event.openInvoices.every((invoice) => invoice.balanceMinor === 0)
  );
}

/** The next unpaid installment's due date; with none left the check finds nothing to do. */
function installmentDate(context: ThreadContext, event: ThreadEvent): string {
  return nextUnpaidInstallment(context)?.dueDate ?? today(context, event);
}

/**
 * Answers a language switch by repeating the last bot message in the new language; a reminder
 * about invoices since paid is not repeated (nothing is owed now), the switch is confirmed.
 */
const resendLastBotMessage = {
  type: "sendSms" as const,
  params: ({ context }: Args): SendSmsParams => {
    const last = context.lastBotMessage;
    const stale = last?.template.startsWith("reminder.") === true && totalOpenMinor(context) === 0;
    return {
      template: last && !stale ? last.template : "reply.language_switched",
      kind: "reply",
      language: context.language,
      vars: last && !stale ? last.vars : {},
    };
  },
};

/**
 * The next unpaid installment gets a reminder on its due date and a missed-payment check a
 * grace period later; the first installment's link goes out with the plan confirmation.
 */
const scheduleInstallmentTimers = [
  {
    type: "scheduleTimer" as const,
    params: ({ context, event }: Args): ScheduleTimerParams => ({
      key: TIMER_KEYS.installmentRemind,
      at: checkAt(installmentDate(context, event), context),
    }),
  },
  {
    type: "scheduleTimer" as const,
    params: ({ context, event }: Args): ScheduleTimerParams => ({
      key: TIMER_KEYS.installmentCheck,
      at: checkAt(
        addDays(installmentDate(context, event), context.policy.promiseGraceDays),
        context,
      ),
    }),
  },
];

/**
 * REQ-57: a text that held a card number (masked before it was stored) gets one warning, in
 * addition to the answer its words get.
 */
const warnAboutCardNumber = enqueueActions(({ context, event, enqueue }) => {
  if (smsEvent(event as ThreadEvent)?.cardNumberRedacted) {
    const params: SendSmsParams = {
      template: "reply.card_number_warning",
      kind: "reply",
      language: (context as ThreadContext).language,
      vars: {},
    };
    enqueue({ type: "sendSms", params });
  }
});

/**
 * The given customer-text transitions, each also warning about a card number (every state's
 * but the opt-outs: after STOP the confirmation is the only text, REQ-08). The warning goes
 * first, so it is read before the answer (which may carry the secure link it points to), and
 * in the answer's language: right after the transition adopts the reply's language, if it
 * does. Both are "reply" texts through the outbox: any hour, never to an opted-out number.
 */
function withCardNumberWarning<const T extends { actions: readonly unknown[] }>(
  transitions: readonly T[],
): T[] {
  return transitions.map((transition) => {
    const at = transition.actions[0] === "adoptReplyLanguage" ? 1 : 0;
    const actions = [...transition.actions];
    actions.splice(at, 0, warnAboutCardNumber);
    return { ...transition, actions } as T;
  });
}

export const threadMachine = setup({
  types: {
    context: {} as ThreadContext,
    events: {} as ThreadEvent,
    input: {} as ThreadInput,
  },
  actions: {
    // Effect declarations: the host executes them; here they only carry params.
    sendSms: (_: unknown, _params: SendSmsParams) => noop(),
    notifyStaff: (_: unknown, _params: NotifyStaffParams) => noop(),
    scheduleTimer: (_: unknown, _params: ScheduleTimerParams) => noop(),
    cancelTimers: (_: unknown, _params: CancelTimersParams) => noop(),
    recordConsent: (_: unknown, _params: RecordConsentParams) => noop(),
    recordPromise: (_: unknown, _params: RecordPromiseParams) => noop(),
    createPlan: (_: unknown, _params: CreatePlanParams) => noop(),
    flagCustomer: (_: unknown, _params: FlagCustomerParams) => noop(),
    resolveStaffTasks: (_: unknown, _params: ResolveStaffTasksParams) => noop(),
    redrawStaffNotices: (_: unknown, _params: RedrawStaffNoticesParams) => noop(),
    adoptReplyLanguage: assign({
      language: ({ context, event }) => smsEvent(event)?.language ?? context.language,
    }),
    recordInvoiceFacts: assign({
      openInvoices: ({ context, event }) =>
        event.type === "invoices.updated" || event.type === "payment.received"
          ? event.openInvoices.filter((invoice) => invoice.balanceMinor > 0)
          : context.openInvoices,
    }),
    recordPaymentFacts: assign({
      openInvoices: ({ context, event }) =>
        event.type === "payment.received"
          ? event.openInvoices.filter((invoice) => invoice.balanceMinor > 0)
          : context.openInvoices,
    }),
    rememberReminder: assign({
      lastBotMessage: ({ context, event }) =>
        event.type === "check.due" && event.reminder
          ? {
              template: event.reminder.template,
              vars: { invoiceIds: event.reminder.invoiceIds.join(",") },
            }
          : context.lastBotMessage,
    }),
    acceptPlanChoice: assign(({ context, event }) => ({
      plan: {
        installments: buildPlan(context, smsEvent(event)?.choice ?? 0, today(context, event)),
        currency: context.openInvoices[0]?.currency ?? "USD",
      },
      planOffer: null,
      unclearReplies: 0,
    })),
    offerPlan: assign({ planOffer: ({ context }) => ({ options: planOptions(context) }) }),
    applyPaymentToPlan: assign({
      plan: ({ context, event }) =>
        context.plan && event.type === "payment.received"
          ? {
              ...context.plan,
              installments: applyPaymentToPlan(context.plan.installments, event.amountMinor),
            }
          : context.plan,
    }),
    acceptLanguageChoice: assign({
      language: ({ event }) => (smsEvent(event)?.choice === 2 ? "es" : "en"),
      unclearReplies: 0,
    }),
    acceptPromise: assign({
      promise: ({ context, event }) => {
        const date = smsEvent(event)?.promiseDate;
        return date ? { date, madeAt: event.at } : context.promise;
      },
      unclearReplies: 0,
    }),
    clearCommitments: assign({ promise: null, plan: null, planOffer: null, unclearReplies: 0 }),
    countUnclearReply: assign({ unclearReplies: ({ context }) => context.unclearReplies + 1 }),
    clearUnclearReplies: assign({ unclearReplies: 0 }),
    handOffFor: assign(({ event }, params: { reason: string }) => ({
      handOff: { owner: null, reason: params.reason, since: event.at },
      unclearReplies: 0,
    })),
    assignStaffOwner: assign({
      handOff: ({ context, event }) => ({
        owner: "user" in event ? event.user : null,
        reason: context.handOff?.reason ?? "staff",
        since: context.handOff?.since ?? event.at,
      }),
    }),
    clearHandOff: assign({ handOff: null, unclearReplies: 0 }),
    markOptedOut: assign({ optedOutAt: ({ context, event }) => context.optedOutAt ?? event.at }),
    clearOptedOut: assign({ optedOutAt: null }),
  },
  guards: {
    isStopConfirmedByCarrier: ({ event }: Args) =>
      isIntent(event, "STOP") && (smsEvent(event)?.carrierConfirmedOptOut ?? false),
    isStop: ({ event }: Args) => isIntent(event, "STOP"),
    isStopInOwnWords: ({ event }: Args) =>
      isIntent(event, "STOP") && wordCount(smsEvent(event)?.text ?? "") > OPT_OUT_KEYWORD_WORDS,
    isWrongNumber: ({ event }: Args) => isIntent(event, "WRONG_NUMBER"),
    isHelp: ({ event }: Args) => isIntent(event, "HELP"),
    isStart: ({ event }: Args) => isIntent(event, "START"),
    isPaidClaim: ({ event }: Args) => isIntent(event, "PAID"),
    isDispute: ({ event }: Args) => isIntent(event, "DISPUTE"),
    isPlanRequest: ({ context, event }: Args) =>
      isIntent(event, "PLAN") && totalOpenMinor(context) > 0 && planOptions(context).length > 0,
    isAcceptablePromise: ({ context, event }: Args) => {
      const sms = smsEvent(event);
      if (sms?.intent !== "PROMISE" || sms.promiseDate === null) {
        return false;
      }
      const days = daysBetween(today(context, event), sms.promiseDate);
      return days >= 0 && days <= context.policy.maxPromiseDays;
    },
    isPromiseTooFar: ({ context, event }: Args) => {
      const sms = smsEvent(event);
      return (
        sms !== null &&
        sms.intent === "PROMISE" &&
        sms.promiseDate !== null &&
        daysBetween(today(context, event), sms.promiseDate) > context.policy.maxPromiseDays
      );
    },
    isCopyRequest: ({ event }: Args) => isIntent(event, "COPY"),
    isHumanRequest: ({ event }: Args) => isIntent(event, "HUMAN"),
    isLanguageSwitchTo: ({ context, event }: Args) =>
      isIntent(event, "LANGUAGE") && smsEvent(event)?.language !== context.language,
    isLanguageRequest: ({ event }: Args) => isIntent(event, "LANGUAGE"),
    isLanguageChoice: ({ event }: Args) => {
      const choice = smsEvent(event)?.choice;
      return choice === 1 || choice === 2;
    },
    isPlanChoice: ({ context, event }: Args) => {
      const choice = smsEvent(event)?.choice;
      return typeof choice === "number" && (context.planOffer?.options.includes(choice) ?? false);
    },
    hasReachedUnclearLimit: ({ context }: Args) =>
      context.unclearReplies + 1 >= context.policy.unclearRepliesBeforeHandOff,
    isReminderDue: ({ event }: Args) =>
      event.type === "check.due" && event.key === TIMER_KEYS.reminder && event.reminder !== null,
    isLadderHandOff: ({ event }: Args) =>
      event.type === "check.due" && event.key === TIMER_KEYS.reminder && event.handOff,
    isPromiseCheck: ({ event }: Args) =>
      event.type === "check.due" && event.key === TIMER_KEYS.promiseCheck,
    isPaidClaimEscalation: ({ event }: Args) =>
      event.type === "check.due" && event.key === TIMER_KEYS.paidClaimEscalate,
    isInstallmentReminder: ({ context, event }: Args) => {
      const next = nextUnpaidInstallment(context);
      // The first installment's link goes out with the plan confirmation itself.
      return (
        event.type === "check.due" &&
        event.key === TIMER_KEYS.installmentRemind &&
        next !== undefined &&
        next.number > 1 &&
        daysBetween(today(context, event), next.dueDate) <= 0
      );
    },
    isInstallmentMissed: ({ context, event }: Args) => {
      if (event.type !== "check.due" || event.key !== TIMER_KEYS.installmentCheck) {
        return false;
      }
      const next = nextUnpaidInstallment(context);
      return (
        next !== undefined &&
        daysBetween(next.dueDate, today(context, event)) >= context.policy.promiseGraceDays
      );
    },
    hasNothingOpen: ({ context }: Args) => totalOpenMinor(context) === 0,
    isPaymentTalkWithNothingOwed: ({ context, event }: Args) =>
      isIntent(event, "PAID", "PROMISE", "PLAN") && totalOpenMinor(context) === 0,
    isPaidInFull: ({ event }: Args) => nothingOwed(event),
    /**
     * Nothing is owed and a payment did it: an invoice this thread was chasing is paid off now,
     * not merely voided or deleted (those close the thread without a thank-you).
     */
    isPaidOffInFull: ({ context, event }: Args) =>
      event.type === "invoices.updated" &&
      nothingOwed(event) &&
      event.paidInvoiceIds.some((id) => context.openInvoices.some((open) => open.id === id)),
    hasOpenInvoicesNow: ({ event }: Args) =>
      event.type === "invoices.updated" &&
      event.openInvoices.some((invoice) => invoice.balanceMinor > 0),
    isResume: ({ event }: Args) => event.type === "staff.resolved" && event.outcome === "resume",
    isConsentRevokedByCarrier: ({ event }: Args) =>
      event.type === "consent.revoked" && event.source === "carrier",
  },
}).createMachine({
  id: "thread",
  context: ({ input }) => createInitialContext(input),
  initial: "active",
  on: {
    // Facts every state records; states that must react override these.
    "invoices.updated": { actions: "recordInvoiceFacts" },
    "payment.received": { actions: "recordPaymentFacts" },
  },
  states: {
    active: {
      initial: "idle",
      states: {
        idle: {},
        awaitingPlanChoice: {
          on: {
            "sms.received": withCardNumberWarning([
              {
                guard: "isPlanChoice",
                target: "#thread.onPlan",
                actions: [
                  "acceptPlanChoice",
                  {
                    type: "createPlan",
                    params: ({ context }: Args): CreatePlanParams => ({
                      installments: context.plan?.installments ?? [],
                      currency: context.plan?.currency ?? "USD",
                      invoiceIds: openInvoiceIds(context),
                    }),
                  },
                  { type: "cancelTimers", params: { keys: [TIMER_KEYS.reminder] as string[] } },
                  sms("reply.plan_confirm", "reply", ({ context }) => ({
                    installments: String(context.plan?.installments.length ?? 0),
                    firstAmountMinor: String(context.plan?.installments[0]?.amountMinor ?? 0),
                    currency: context.plan?.currency ?? "USD",
                    nextDate: context.plan?.installments[1]?.dueDate ?? "",
                  })),
                  ...scheduleInstallmentTimers,
                ],
              },
            ]),
          },
        },
        awaitingLanguageChoice: {
          on: {
            "sms.received": withCardNumberWarning([
              {
                guard: "isLanguageChoice",
                target: "idle",
                actions: ["acceptLanguageChoice", resendLastBotMessage],
              },
            ]),
          },
        },
      },
      on: {
        "sms.received": [
          ...optOutReplies(),
          ...withCardNumberWarning([
            helpReply(),
            paidClaimReply(),
            disputeReply(),
            {
              guard: "isPlanRequest",
              target: ".awaitingPlanChoice",
              actions: [
                "adoptReplyLanguage",
                "offerPlan",
                sms("reply.plan_offer", "reply", ({ context }) => ({
                  ...balanceVars(context),
                  options: planOptions(context).join(","),
                })),
              ],
            },
            ...promiseReplies(),
            ...commonReplies(),
          ]),
        ],
        "check.due": [
          {
            guard: "isLadderHandOff",
            target: "handedOff",
            actions: [
              { type: "handOffFor", params: { reason: "ladder_exhausted" } },
              notify("ladder_exhausted"),
            ],
          },
          {
            guard: "isReminderDue",
            target: ".idle",
            actions: [
              "rememberReminder",
              {
                type: "sendSms",
                params: ({ context, event }: Args): SendSmsParams => ({
                  template:
                    event.type === "check.due" && event.reminder
                      ? event.reminder.template
                      : "reply.menu",
                  kind: "reminder",
                  language: context.language,
                  vars: {
                    invoiceIds:
                      event.type === "check.due" && event.reminder
                        ? event.reminder.invoiceIds.join(",")
                        : "",
                  },
                }),
              },
            ],
          },
        ],
        "payment.received": paymentReceived(),
        "payment.failed": {
          actions: [sms("reply.payment_failed", "reply", ({ context }) => balanceVars(context))],
        },
        // The customer has said nothing, so a check gets no text: the machine cannot tell
        // whether a queued reminder ever reached them (review mode holds and lapses them), and
        // a thank-you must not be the first text they get. A card payment came through a link
        // we sent, and is thanked.
        "invoices.updated": invoicesUpdated({ thanks: false }),
        ...staffTransitions(),
        "consent.revoked": consentRevoked(),
      },
    },
    promised: {
      on: {
        "sms.received": [
          ...optOutReplies(),
          ...withCardNumberWarning([
            helpReply(),
            ...promiseReplies(),
            paidClaimReply(),
            disputeReply(),
            ...commonReplies(),
          ]),
        ],
        "check.due": [
          {
            guard: "isPromiseCheck",
            target: "active",
            actions: [
              "clearCommitments",
              sms("reminder.promise_missed", "reminder", ({ context }) => balanceVars(context)),
              notify("promise_broken"),
            ],
          },
        ],
        "payment.received": paymentReceived(),
        "payment.failed": {
          actions: [sms("reply.payment_failed", "reply", ({ context }) => balanceVars(context))],
        },
        "invoices.updated": invoicesUpdated({ thanks: true }),
        ...staffTransitions(),
        "consent.revoked": consentRevoked(),
      },
    },
    onPlan: {
      on: {
        "sms.received": [
          ...optOutReplies(),
          ...withCardNumberWarning([
            helpReply(),
            paidClaimReply(),
            disputeReply(),
            ...commonReplies(),
          ]),
        ],
        "check.due": [
          {
            guard: "isInstallmentMissed",
            target: "handedOff",
            actions: [
              cancelAllTimers,
              { type: "handOffFor", params: { reason: "installment_missed" } },
              notify("installment_missed"),
            ],
          },
          {
            guard: "isInstallmentReminder",
            actions: [
              sms("reminder.installment", "reminder", ({ context }) => {
                const next = nextUnpaidInstallment(context);
                return {
                  installment: String(next?.number ?? 0),
                  amountMinor: String((next?.amountMinor ?? 0) - (next?.paidMinor ?? 0)),
                  currency: context.plan?.currency ?? "USD",
                  dueDate: next?.dueDate ?? "",
                };
              }),
            ],
          },
        ],
        "payment.received": [
          {
            guard: "isPaidInFull",
            target: "closed",
            actions: ["recordPaymentFacts", ...closeAsPaid, sms("reply.payment_thanks", "reply")],
          },
          {
            actions: [
              "recordPaymentFacts",
              "applyPaymentToPlan",
              sms("reply.payment_partial_thanks", "reply", ({ context }) => balanceVars(context)),
              ...scheduleInstallmentTimers,
            ],
          },
        ],
        "payment.failed": {
          actions: [sms("reply.payment_failed", "reply", ({ context }) => balanceVars(context))],
        },
        "invoices.updated": invoicesUpdated({ thanks: true }),
        ...staffTransitions(),
        "consent.revoked": consentRevoked(),
      },
    },
    paidClaimed: {
      on: {
        "sms.received": [
          ...optOutReplies(),
          ...withCardNumberWarning([
            helpReply(),
            disputeReply(),
            {
              guard: "isPaidClaim",
              actions: ["adoptReplyLanguage", sms("reply.paid_ack", "reply")],
            },
            ...commonReplies(),
          ]),
        ],
        "check.due": [
          {
            guard: "isPaidClaimEscalation",
            actions: [notify("paid_claim_unresolved")],
          },
        ],
        "payment.received": paymentReceived(),
        "invoices.updated": invoicesUpdated({ thanks: true }),
        ...staffTransitions(),
        "staff.resolved": staffResolved(),
        "consent.revoked": consentRevoked(),
      },
    },
    disputed: {
      on: {
        "sms.received": [
          ...optOutReplies(),
          ...withCardNumberWarning([helpReply(), { actions: [notify("customer_message", true)] }]),
        ],
        "payment.received": [
          {
            guard: "isPaidInFull",
            target: "closed",
            actions: ["recordPaymentFacts", ...closeAsPaid, notify("payment_received")],
          },
          { actions: ["recordPaymentFacts", notify("payment_received")] },
        ],
        ...staffTransitions(),
        "staff.resolved": staffResolved(),
        "consent.revoked": consentRevoked(),
      },
    },
    handedOff: {
      // A person owns the thread: the bot sends only compliance replies (and the card-number
      // warning, which cannot wait for a person) and forwards the rest.
      on: {
        "sms.received": [
          ...optOutReplies(),
          ...withCardNumberWarning([helpReply(), { actions: [notify("customer_message", true)] }]),
        ],
        "payment.received": [
          {
            guard: "isPaidInFull",
            target: "closed",
            actions: [
              "recordPaymentFacts",
              ...closeAsPaid,
              "clearHandOff",
              notify("payment_received"),
            ],
          },
          { actions: ["recordPaymentFacts", notify("payment_received")] },
        ],
        // A payment recorded in QuickBooks closes it as a card payment does: staff are told,
        // the customer hears from them. Voided or deleted invoices leave it with staff.
        "invoices.updated": [
          {
            guard: "isPaidOffInFull",
            target: "closed",
            actions: [
              "recordInvoiceFacts",
              ...closeAsPaid,
              "clearHandOff",
              notify("payment_received"),
            ],
          },
          { actions: ["recordInvoiceFacts"] },
        ],
        "payment.failed": { actions: [notify("payment_failed")] },
        "staff.took_over": { actions: ["assignStaffOwner", redrawNotices("taken_over")] },
        "staff.replied": {
          actions: [sms("staff.message", "staff", ({ event }) => staffVars(event))],
        },
        "staff.released": [
          {
            guard: "hasNothingOpen",
            target: "closed",
            actions: ["clearHandOff", redrawNotices("handed_back")],
          },
          { target: "active", actions: ["clearHandOff", redrawNotices("handed_back")] },
        ],
        "staff.resolved": staffResolved(),
        "consent.revoked": consentRevoked(),
      },
    },
    optedOut: {
      // Silence until START; HELP is still answered (it is a compliance reply).
      entry: "markOptedOut",
      exit: "clearOptedOut",
      on: {
        "sms.received": [
          { guard: "isHelp", actions: [sms("reply.help", "compliance")] },
          {
            guard: "isStart",
            target: "active",
            actions: [
              "adoptReplyLanguage",
              {
                type: "recordConsent",
                params: ({ event }: Args) => consentParams("opt_in", "sms", event),
              },
              sms("reply.start_confirm", "compliance"),
            ],
          },
        ],
      },
    },
    closed: {
      on: {
        "sms.received": [
          ...optOutReplies(),
          ...withCardNumberWarning([
            helpReply(),
            {
              // Nothing is owed: a promise, a payment claim or a plan request is understood
              // (not an unclear reply) and answered as such; no staff task. A thread staff
              // closed with a balance still showing answers as before until QuickBooks reopens it.
              guard: "isPaymentTalkWithNothingOwed",
              actions: [
                "adoptReplyLanguage",
                "clearUnclearReplies",
                sms("reply.nothing_owed", "reply"),
              ],
            },
            // A dispute after paying (a double charge, a wrong amount) goes to staff.
            disputeReply(),
            ...commonReplies(),
          ]),
        ],
        "invoices.updated": [
          {
            guard: "hasOpenInvoicesNow",
            target: "active",
            actions: ["recordInvoiceFacts", "clearCommitments"],
          },
        ],
        ...staffTransitions(),
        "consent.revoked": consentRevoked(),
      },
    },
  },
});

// The following builders return transition configs shared by several states. They are
// functions (not constants) so each state gets its own objects.

/** The customer opted out by text: the ledger, no more timers, one confirmation. */
function optOutBySms() {
  return [
    "adoptReplyLanguage" as const,
    {
      type: "recordConsent" as const,
      params: ({ event }: Args) => consentParams("opt_out", "sms", event),
    },
    cancelAllTimers,
    sms("reply.stop_confirm", "compliance"),
  ];
}

/**
 * STOP (any wording) and WRONG_NUMBER, in every state but optedOut. The confirmation is the
 * only text after an opt-out (REQ-08), so these never carry the card-number warning.
 */
function optOutReplies() {
  return [
    {
      guard: "isStopConfirmedByCarrier" as const,
      target: "#thread.optedOut",
      actions: [
        "adoptReplyLanguage" as const,
        {
          type: "recordConsent" as const,
          params: ({ event }: Args) => consentParams("opt_out", "sms", event),
        },
        cancelAllTimers,
      ],
    },
    {
      // "Stop texting me and have someone call me": the opt-out wins, and a person reads the
      // rest (a call request, a complaint, a dispute).
      guard: "isStopInOwnWords" as const,
      target: "#thread.optedOut",
      actions: [...optOutBySms(), notify("opted_out_in_own_words", true)],
    },
    {
      guard: "isStop" as const,
      target: "#thread.optedOut",
      actions: optOutBySms(),
    },
    {
      guard: "isWrongNumber" as const,
      target: "#thread.optedOut",
      actions: [
        "adoptReplyLanguage" as const,
        {
          type: "recordConsent" as const,
          params: ({ event }: Args) => consentParams("opt_out", "wrong_number", event),
        },
        cancelAllTimers,
        { type: "flagCustomer" as const, params: { reason: "wrong_number" as const } },
        notify("wrong_number", true),
        sms("reply.wrong_number_confirm", "compliance"),
      ],
    },
  ];
}

/** HELP is answered in every state, opted out or not (REQ-18). */
function helpReply() {
  return {
    guard: "isHelp" as const,
    actions: ["adoptReplyLanguage" as const, sms("reply.help", "compliance")],
  };
}

/** A dispute pauses everything and goes to staff with the customer's words. */
/**
 * "I paid": thanks, reminders paused, staff asked to verify, and a check after the configured
 * days in case nobody does — from the ladder, a promise or a plan alike.
 */
function paidClaimReply() {
  return {
    guard: "isPaidClaim" as const,
    target: "#thread.paidClaimed",
    actions: [
      "adoptReplyLanguage" as const,
      cancelAllTimers,
      sms("reply.paid_ack", "reply"),
      notify("verify_payment", true),
      {
        type: "scheduleTimer" as const,
        params: ({ context, event }: Args): ScheduleTimerParams => ({
          key: TIMER_KEYS.paidClaimEscalate,
          at: checkAt(
            addDays(today(context, event), context.policy.paidClaimEscalateDays),
            context,
          ),
        }),
      },
    ],
  };
}

function disputeReply() {
  return {
    guard: "isDispute" as const,
    target: "#thread.disputed",
    actions: [
      "adoptReplyLanguage" as const,
      cancelAllTimers,
      sms("reply.dispute_ack", "reply"),
      notify("dispute", true),
    ],
  };
}

function promiseReplies() {
  return [
    {
      guard: "isAcceptablePromise" as const,
      target: "#thread.promised",
      actions: [
        "adoptReplyLanguage" as const,
        "acceptPromise" as const,
        cancelAllTimers,
        {
          type: "recordPromise" as const,
          params: ({ context }: Args): RecordPromiseParams => ({
            date: context.promise?.date ?? "",
            invoiceIds: openInvoiceIds(context),
          }),
        },
        sms("reply.promise_confirm", "reply", ({ context }) => ({
          ...balanceVars(context),
          promiseDate: context.promise?.date ?? "",
        })),
        {
          type: "scheduleTimer" as const,
          params: ({ context }: Args): ScheduleTimerParams => ({
            key: TIMER_KEYS.promiseCheck,
            at: checkAt(
              addDays(context.promise?.date ?? "", context.policy.promiseGraceDays),
              context,
            ),
          }),
        },
      ],
    },
    {
      guard: "isPromiseTooFar" as const,
      target: "#thread.handedOff",
      actions: [
        "adoptReplyLanguage" as const,
        cancelAllTimers,
        { type: "handOffFor" as const, params: { reason: "promise_too_far" } },
        sms("reply.handoff_ack", "reply"),
        notify("promise_too_far", true),
      ],
    },
  ];
}

/** Replies every bot-owned state gives the same way; the unclear-reply fallback comes last. */
function commonReplies() {
  return [
    {
      guard: "isCopyRequest" as const,
      actions: [
        "adoptReplyLanguage" as const,
        sms("reply.copy_link", "reply", ({ context }) => balanceVars(context)),
      ],
    },
    {
      guard: "isHumanRequest" as const,
      target: "#thread.handedOff",
      actions: [
        "adoptReplyLanguage" as const,
        cancelAllTimers,
        { type: "handOffFor" as const, params: { reason: "human_requested" } },
        sms("reply.handoff_ack", "reply"),
        notify("human_requested", true),
      ],
    },
    {
      guard: "isLanguageSwitchTo" as const,
      actions: ["adoptReplyLanguage" as const, resendLastBotMessage],
    },
    {
      guard: "isLanguageRequest" as const,
      target: "#thread.active.awaitingLanguageChoice",
      actions: [sms("reply.language_choice", "reply")],
    },
    {
      guard: "hasReachedUnclearLimit" as const,
      target: "#thread.handedOff",
      actions: [
        "adoptReplyLanguage" as const,
        cancelAllTimers,
        { type: "handOffFor" as const, params: { reason: "unclear_replies" } },
        sms("reply.handoff_ack", "reply"),
        notify("unclear_replies", true),
      ],
    },
    {
      actions: [
        "adoptReplyLanguage" as const,
        "countUnclearReply" as const,
        sms("reply.menu", "reply"),
      ],
    },
  ];
}

function paymentReceived() {
  return [
    {
      guard: "isPaidInFull" as const,
      target: "#thread.closed",
      actions: [
        "recordPaymentFacts" as const,
        ...closeAsPaid,
        "clearCommitments" as const,
        sms("reply.payment_thanks", "reply"),
      ],
    },
    {
      actions: [
        "recordPaymentFacts" as const,
        sms("reply.payment_partial_thanks", "reply", ({ context }) => balanceVars(context)),
      ],
    },
  ];
}

/**
 * What QuickBooks says now, in a state the bot owns: with nothing owed the thread closes.
 * With `thanks`, a payment recorded there (a check) gets the same thanks as a card payment;
 * an invoice voided or deleted instead closes it without a word.
 */
function invoicesUpdated({ thanks }: { thanks: boolean }) {
  const close = ["recordInvoiceFacts" as const, ...closeAsPaid, "clearCommitments" as const];
  return [
    ...(thanks
      ? [
          {
            guard: "isPaidOffInFull" as const,
            target: "#thread.closed",
            actions: [...close, sms("reply.payment_thanks", "reply")],
          },
        ]
      : []),
    { guard: "isPaidInFull" as const, target: "#thread.closed", actions: close },
    { actions: ["recordInvoiceFacts" as const] },
  ];
}

function staffTransitions() {
  return {
    "staff.took_over": {
      target: "#thread.handedOff",
      actions: [cancelAllTimers, "assignStaffOwner" as const, redrawNotices("taken_over")],
    },
    // A person answering in the thread has taken it over, whether or not they pressed the button.
    "staff.replied": {
      target: "#thread.handedOff",
      actions: [
        cancelAllTimers,
        "assignStaffOwner" as const,
        sms("staff.message", "staff", ({ event }) => staffVars(event)),
        redrawNotices("taken_over"),
      ],
    },
  };
}

/**
 * Resolving is about the whole thread, so every task it raised is done (a later take-over
 * must not redraw those posts), after their posts are redrawn as resolved.
 */
function resolveAllTasks() {
  return [
    redrawNotices("resolved"),
    { type: "resolveStaffTasks" as const, params: { reasons: null } },
  ];
}

function staffResolved() {
  return [
    {
      guard: "isResume" as const,
      target: "#thread.active",
      actions: ["clearHandOff" as const, ...resolveAllTasks()],
    },
    {
      target: "#thread.closed",
      actions: [
        cancelAllTimers,
        "clearHandOff" as const,
        "clearCommitments" as const,
        ...resolveAllTasks(),
      ],
    },
  ];
}

function consentRevoked() {
  return [
    {
      guard: "isConsentRevokedByCarrier" as const,
      target: "#thread.optedOut",
      actions: [
        {
          type: "recordConsent" as const,
          params: ({ event }: Args) => consentParams("opt_out", "carrier", event),
        },
        cancelAllTimers,
      ],
    },
    {
      target: "#thread.optedOut",
      actions: [
        {
          type: "recordConsent" as const,
          params: ({ event }: Args) =>
            consentParams(
              "opt_out",
              event.type === "consent.revoked" ? event.source : "staff",
              event,
            ),
        },
        cancelAllTimers,
        sms("reply.stop_confirm", "compliance"),
      ],
    },
  ];
}

function consentParams(
  change: RecordConsentParams["change"],
  source: RecordConsentParams["source"],
  event: ThreadEvent,
): RecordConsentParams {
  const text = smsEvent(event)?.text;
  return text === undefined ? { change, source } : { change, source, text };
}

function staffVars(event: ThreadEvent): Record<string, string> {
  return event.type === "staff.replied" ? { text: event.text, staffUser: event.user } : {};
}

export type ThreadMachine = typeof threadMachine;
