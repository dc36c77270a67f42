import type { LocalDate } from "../src/domain/calendar.js";
import type { Language, TemplateId } from "./thread.templates.js";

export interface OpenInvoice {
  id: string;
  number: string;
  balanceMinor: number;
  currency: string;
  dueDate: LocalDate;
}

export interface Installment {
  number: number;
  dueDate: LocalDate;
  amountMinor: number;
  paidMinor: number;
}

/** Company limits the machine applies; copied into context so a transition needs no lookup. */
export interface ThreadPolicy {
  promiseGraceDays: number;
  maxPromiseDays: number;
  paidClaimEscalateDays: number;
  planMinInstallments: number;
  planMaxInstallments: number;
  planIntervalDays: number;
  unclearRepliesBeforeHandOff: number;
  /** Local hour at which the machine's own day-based checks fire. */
  checkHour: number;
}

export const DEFAULT_THREAD_POLICY: ThreadPolicy = {
  promiseGraceDays: 1,
  maxPromiseDays: 30,
  paidClaimEscalateDays: 3,
  planMinInstallments: 2,
  planMaxInstallments: 4,
  planIntervalDays: 14,
  unclearRepliesBeforeHandOff: 2,
  checkHour: 10,
};

export interface ThreadContext {
  companyId: string;
  phone: string;
  language: Language;
  timeZone: string;
  openInvoices: OpenInvoice[];
  promise: { date: LocalDate; madeAt: string } | null;
  plan: { installments: Installment[]; currency: string } | null;
  planOffer: { options: number[] } | null;
  handOff: { owner: string | null; reason: string; since: string } | null;
  unclearReplies: number;
  optedOutAt: string | null;
  lastBotMessage: { template: TemplateId; vars: Record<string, string> } | null;
  policy: ThreadPolicy;
}

export interface ThreadInput {
  companyId: string;
  phone: string;
  language?: Language;
  timeZone: string;
  openInvoices?: OpenInvoice[];
  policy?: Partial<ThreadPolicy>;
}

export function createInitialContext(input: ThreadInput): ThreadContext {
  return {
    companyId: input.companyId,
    phone: input.phone,
    language: input.language ?? "en",
    timeZone: input.timeZone,
    openInvoices: input.openInvoices ?? [],
    promise: null,
    plan: null,
    planOffer: null,
    handOff: null,
    unclearReplies: 0,
    optedOutAt: null,
    lastBotMessage: null,
    policy: { ...DEFAULT_THREAD_POLICY, ...input.policy },
  };
}

export function totalOpenMinor(context: ThreadContext): number {
  return context.openInvoices.reduce((sum, invoice) => sum + invoice.balanceMinor, 0);
}
