import { createHash, createHmac } from "node:crypto";
import type { LocalDate } from "../domain/calendar.js";
import { AppError, toAppError } from "../domain/errors.js";
import { amountDue } from "../domain/payment-allocation.js";
import type {
  MirroredInvoice,
  PayLinkBusiness,
  PayLinkPurpose,
  PayLinkStore,
  StoredPayLink,
} from "./pay-link-port.js";
import type { PaymentEvents } from "./payment-events-port.js";
import type { Accounting, InvoiceFacts, Logger, Payments } from "./ports.js";

// Pay links (`/p/:token`, DESIGN §6). A token is an HMAC of the issuer's seed, so issuing
// twice for one outbox row (a retry, a reconciliation) gives the same link; only its SHA-256
// is stored. The page always re-reads the balance from QuickBooks, and only the POST of its
// Pay button creates a Checkout Session (link previewers fetch with GET).

/** Stripe metadata values hold 500 characters; our invoice ids are joined into one. */
export const MAX_INVOICES_PER_LINK = 15;
const DAY_MS = 86_400_000;
/**
 * Double clicks within this window reuse one Checkout Session (the idempotency key names
 * the window). Stripe keeps keys for 24 hours and a session lives 24 hours, so a replayed
 * answer always names a session that is still open.
 */
const CHECKOUT_REUSE_WINDOW_MS = 12 * 60 * 60 * 1000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface IssuePayLinkDeps {
  store: PayLinkStore;
  /** Secret that tokens are derived from (see `payLinkTokenKey` in src/main.ts). */
  tokenKey: Uint8Array;
  /** PUBLIC_BASE_URL (in the sandbox, the app's loopback address). */
  publicBaseUrl: string;
}

export interface IssuePayLinkInput {
  companyId: string;
  threadId: string;
  /** Our invoice ids. */
  invoiceIds: string[];
  purpose: PayLinkPurpose;
  /** Same seed, same link: the dispatcher passes its outbox row id. */
  seed: string;
  now: Date;
  /** Company setting `payLinkValidityDays`. */
  validityDays: number;
  /** Installments ask for this much (capped at the live balance); omitted: the whole balance. */
  amountMinor?: number;
  installmentNumber?: number;
}

export interface IssuedPayLink {
  id: string;
  url: string;
  token: string;
  expiresAt: Date;
}

/** 256 bits: base64url(HMAC-SHA256(key, company + seed)), 43 characters. */
export function payLinkToken(key: Uint8Array, companyId: string, seed: string): string {
  return createHmac("sha256", key)
    .update(`duetext/pay-link/v1\n${companyId}\n${seed}`)
    .digest("base64url");
}

/** What is stored and looked up: never the token itself. */
export function hashPayLinkToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function isWellFormedPayLinkToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

export function payLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/p/${token}`;
}

export async function issuePayLink(
  deps: IssuePayLinkDeps,
  input: IssuePayLinkInput,
): Promise<IssuedPayLink> {
  const invoiceIds = [...new Set(input.invoiceIds)];
  if (invoiceIds.length === 0 || invoiceIds.length > MAX_INVOICES_PER_LINK) {
    throw new AppError(
      "VALIDATION_FAILED",
      `A pay link covers 1 to ${MAX_INVOICES_PER_LINK} invoices, not ${invoiceIds.length}`,
    );
  }
  if (input.seed === "") {
    throw new AppError("VALIDATION_FAILED", "A pay link needs a seed");
  }
  if (!Number.isInteger(input.validityDays) || input.validityDays < 1) {
    throw new AppError("VALIDATION_FAILED", `Invalid validity of ${input.validityDays} days`);
  }
  const amountMinor = input.amountMinor ?? null;
  if (amountMinor !== null && (!Number.isInteger(amountMinor) || amountMinor <= 0)) {
    throw new AppError("VALIDATION_FAILED", `Invalid pay link amount ${amountMinor}`);
  }
  if (input.purpose === "installment" && amountMinor === null) {
    throw new AppError("VALIDATION_FAILED", "An installment link needs the installment's amount");
  }

  const token = payLinkToken(deps.tokenKey, input.companyId, input.seed);
  const stored = await deps.store.upsert({
    companyId: input.companyId,
    threadId: input.threadId,
    purpose: input.purpose,
    tokenHash: hashPayLinkToken(token),
    invoiceIds,
    amountMinor,
    installmentNumber: input.installmentNumber ?? null,
    expiresAt: new Date(input.now.getTime() + input.validityDays * DAY_MS),
  });
  // The same seed always means the same link; anything else is a caller's bug, not a retry.
  if (
    stored.companyId !== input.companyId ||
    stored.threadId !== input.threadId ||
    stored.invoiceIds.join(",") !== invoiceIds.join(",")
  ) {
    throw new AppError(
      "CONFLICT",
      `Pay link seed ${input.seed} was already used for other invoices`,
    );
  }
  return {
    id: stored.id,
    url: payLinkUrl(deps.publicBaseUrl, token),
    token,
    expiresAt: stored.expiresAt,
  };
}

// ---- The page and its Pay button ----------------------------------------------------------

export interface PayLinkPageDeps {
  store: PayLinkStore;
  accounting: Pick<Accounting, "readInvoices">;
  payments: Payments;
  paymentEvents: Pick<PaymentEvents, "retrieveCheckoutSession">;
  publicBaseUrl: string;
  logger: Logger;
}

export interface PageInvoice {
  number: string;
  balanceMinor: number;
  currency: string;
  dueDate: LocalDate;
}

export type PayLinkView =
  | { kind: "not_found" }
  | { kind: "expired"; business: PayLinkBusiness }
  | { kind: "paid"; business: PayLinkBusiness }
  /** Stripe has the money; QuickBooks does not show it yet. */
  | { kind: "processing"; business: PayLinkBusiness; invoices: PageInvoice[] }
  | {
      kind: "unavailable";
      business: PayLinkBusiness;
      reason: "accounting_unavailable" | "payments_unavailable" | "not_payable_online";
    }
  | {
      kind: "payable";
      business: PayLinkBusiness;
      invoices: PageInvoice[];
      amountDueMinor: number;
      totalOpenMinor: number;
      currency: string;
      installmentNumber: number | null;
    };

export type CheckoutOutcome = PayLinkView | { kind: "checkout"; url: string };

/** What `GET /p/:token` shows. Reads QuickBooks (one batched call); never creates a payment. */
export async function viewPayLink(
  deps: PayLinkPageDeps,
  token: string,
  now: Date,
): Promise<PayLinkView> {
  const found = await openLink(deps, token, now);
  if (found.kind !== "open") {
    return found;
  }
  return (await resolveLink(deps, found.link, found.business, found.invoices, "page")).view;
}

/**
 * What the Pay button does: a Checkout Session for the live balance in the invoices'
 * currency. A double click reuses the first session (same idempotency key); a session that
 * is already paid but not yet in QuickBooks is never followed by a second one.
 */
export async function startPayLinkCheckout(
  deps: PayLinkPageDeps,
  token: string,
  now: Date,
): Promise<CheckoutOutcome> {
  const found = await openLink(deps, token, now);
  if (found.kind !== "open") {
    return found;
  }
  const { link, business } = found;
  const resolved = await resolveLink(deps, link, business, found.invoices, "checkout");
  if (resolved.view.kind !== "payable" || !link.threadId) {
    return resolved.view;
  }
  const { amountDueMinor, currency } = resolved.view;
  const url = payLinkUrl(deps.publicBaseUrl, token);
  try {
    const session = await deps.payments.createCheckout({
      companyId: link.companyId,
      threadId: link.threadId,
      invoiceIds: resolved.payableInvoiceIds,
      amountMinor: amountDueMinor,
      currency,
      successUrl: `${url}?checkout=done`,
      cancelUrl: url,
      idempotencyKey: [
        "pay-link",
        link.id,
        currency,
        amountDueMinor,
        resolved.payableInvoiceIds.join(","),
        Math.floor(now.getTime() / CHECKOUT_REUSE_WINDOW_MS),
      ].join(":"),
    });
    await deps.store.recordCheckoutSession(link.id, session.sessionId);
    return { kind: "checkout", url: session.url };
  } catch (thrown) {
    const error = toAppError(thrown);
    deps.logger.warn(
      { payLinkId: link.id, code: error.code, err: error.message },
      "pay link: checkout could not be created",
    );
    return {
      kind: "unavailable",
      business,
      reason: error.retryable ? "payments_unavailable" : "not_payable_online",
    };
  }
}

type OpenedLink =
  | { kind: "not_found" }
  | { kind: "expired"; business: PayLinkBusiness }
  | { kind: "paid"; business: PayLinkBusiness }
  | {
      kind: "open";
      link: StoredPayLink;
      business: PayLinkBusiness;
      invoices: MirroredInvoice[];
    };

async function openLink(deps: PayLinkPageDeps, token: string, now: Date): Promise<OpenedLink> {
  if (!isWellFormedPayLinkToken(token)) {
    return { kind: "not_found" };
  }
  const link = await deps.store.findByTokenHash(hashPayLinkToken(token));
  if (!link || link.purpose === "invoice_copy") {
    return { kind: "not_found" };
  }
  const { business, invoices } = await deps.store.pageFacts(link);
  if (link.usedAt) {
    return { kind: "paid", business };
  }
  if (link.expiresAt.getTime() <= now.getTime()) {
    return { kind: "expired", business };
  }
  return { kind: "open", link, business, invoices };
}

async function resolveLink(
  deps: PayLinkPageDeps,
  link: StoredPayLink,
  business: PayLinkBusiness,
  mirrored: MirroredInvoice[],
  purpose: "page" | "checkout",
): Promise<{ view: PayLinkView; payableInvoiceIds: string[] }> {
  const unavailable = (
    reason: "accounting_unavailable" | "payments_unavailable" | "not_payable_online",
  ) => ({
    view: { kind: "unavailable" as const, business, reason },
    payableInvoiceIds: [],
  });
  let facts: InvoiceFacts[];
  try {
    facts = await deps.accounting.readInvoices(
      link.companyId,
      mirrored.map((invoice) => invoice.quickbooksId),
    );
  } catch (thrown) {
    deps.logger.warn(
      { payLinkId: link.id, err: toAppError(thrown).message },
      "pay link: QuickBooks could not be read",
    );
    return unavailable("accounting_unavailable");
  }
  const live = new Map(facts.map((fact) => [fact.quickbooksId, fact]));
  const open = mirrored
    .map((invoice) => ({ invoice, fact: live.get(invoice.quickbooksId) }))
    .filter(
      (entry): entry is { invoice: MirroredInvoice; fact: InvoiceFacts } =>
        entry.fact !== undefined && !entry.fact.voided && entry.fact.balanceMinor > 0,
    )
    .sort((a, b) => a.fact.dueDate.localeCompare(b.fact.dueDate));
  const pageInvoices: PageInvoice[] = open.map(({ invoice, fact }) => ({
    number: fact.docNumber ?? invoice.docNumber ?? invoice.quickbooksId,
    balanceMinor: fact.balanceMinor,
    currency: fact.currency,
    dueDate: fact.dueDate,
  }));
  const totalOpenMinor = open.reduce((sum, entry) => sum + entry.fact.balanceMinor, 0);
  if (totalOpenMinor === 0) {
    return { view: { kind: "paid", business }, payableInvoiceIds: [] };
  }

  if (link.stripeSessionId) {
    try {
      const session = await deps.paymentEvents.retrieveCheckoutSession(link.stripeSessionId);
      if (session.paymentStatus === "paid") {
        if (link.purpose === "installment") {
          return { view: { kind: "paid", business }, payableInvoiceIds: [] };
        }
        if (
          !session.paymentIntentId ||
          !(await deps.store.isPaymentWrittenBack(session.paymentIntentId))
        ) {
          return {
            view: { kind: "processing", business, invoices: pageInvoices },
            payableInvoiceIds: [],
          };
        }
      }
    } catch (thrown) {
      deps.logger.warn(
        { payLinkId: link.id, err: toAppError(thrown).message },
        "pay link: the previous Checkout Session could not be read",
      );
      // Showing the page is harmless; paying again before knowing is not.
      if (purpose === "checkout") {
        return unavailable("payments_unavailable");
      }
    }
  }

  const currencies = new Set(open.map((entry) => entry.fact.currency));
  const [currency] = currencies;
  if (currencies.size !== 1 || currency === undefined) {
    return unavailable("not_payable_online");
  }
  return {
    view: {
      kind: "payable",
      business,
      invoices: pageInvoices,
      amountDueMinor: amountDue(totalOpenMinor, link.amountMinor),
      totalOpenMinor,
      currency,
      installmentNumber: link.installmentNumber,
    },
    payableInvoiceIds: open.map((entry) => entry.invoice.id),
  };
}
