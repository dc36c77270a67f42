import { createHmac } from "node:crypto";
import type { LocalDate } from "../domain/calendar.js";
import { AppError, toAppError } from "../domain/errors.js";
import type { CopyLinkStore, InvoiceCopyFacts, InvoiceDocuments } from "./invoice-copy-port.js";
import type { MirroredInvoice, PayLinkBusiness, StoredPayLink } from "./pay-link-port.js";
import { hashPayLinkToken, isWellFormedPayLinkToken, MAX_INVOICES_PER_LINK } from "./pay-links.js";
import type { Logger } from "./ports.js";

// Invoice copies (`/i/:token`, DESIGN §6): the COPY reply's link. Built like pay links (an
// HMAC token per seed, only its SHA-256 stored, a row in `pay_links` with purpose
// `invoice_copy`), but read-only: the page shows each invoice as QuickBooks has it now and
// links its PDF, which is fetched from QuickBooks on each request and never stored.

/**
 * A copy link lives 7 days, a constant rather than a company setting: it is REQ-52's proposed
 * default, and a customer who needs the copy again simply texts for it again.
 */
export const COPY_LINK_VALIDITY_DAYS = 7;
const DAY_MS = 86_400_000;

export interface IssueCopyLinkDeps {
  store: Pick<CopyLinkStore, "upsert">;
  /** The pay-link key (`payLinkTokenKey` in src/main.ts); the token's domain differs. */
  tokenKey: Uint8Array;
  publicBaseUrl: string;
}

export interface IssueCopyLinkInput {
  companyId: string;
  threadId: string;
  /** Our invoice ids. */
  invoiceIds: string[];
  /** Same seed, same link: the dispatcher passes its outbox row id. */
  seed: string;
  now: Date;
}

export interface IssuedCopyLink {
  url: string;
  token: string;
  expiresAt: Date;
}

/**
 * 256 bits, like a pay link's token but under its own domain string, so one outbox row that
 * carries both a pay link and a copy link gets two different tokens.
 */
export function copyLinkToken(key: Uint8Array, companyId: string, seed: string): string {
  return createHmac("sha256", key)
    .update(`duetext/invoice-copy/v1\n${companyId}\n${seed}`)
    .digest("base64url");
}

export function copyLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/i/${token}`;
}

export async function issueCopyLink(
  deps: IssueCopyLinkDeps,
  input: IssueCopyLinkInput,
): Promise<IssuedCopyLink> {
  const invoiceIds = [...new Set(input.invoiceIds)];
  // The page's Pay link covers the same invoices, so a copy link keeps within a pay link's.
  if (invoiceIds.length === 0 || invoiceIds.length > MAX_INVOICES_PER_LINK) {
    throw new AppError(
      "VALIDATION_FAILED",
      `A copy link covers 1 to ${MAX_INVOICES_PER_LINK} invoices, not ${invoiceIds.length}`,
    );
  }
  if (input.seed === "") {
    throw new AppError("VALIDATION_FAILED", "A copy link needs a seed");
  }
  const token = copyLinkToken(deps.tokenKey, input.companyId, input.seed);
  const stored = await deps.store.upsert({
    companyId: input.companyId,
    threadId: input.threadId,
    purpose: "invoice_copy",
    tokenHash: hashPayLinkToken(token),
    invoiceIds,
    amountMinor: null,
    installmentNumber: null,
    expiresAt: new Date(input.now.getTime() + COPY_LINK_VALIDITY_DAYS * DAY_MS),
  });
  if (
    stored.purpose !== "invoice_copy" ||
    stored.companyId !== input.companyId ||
    stored.threadId !== input.threadId ||
    stored.invoiceIds.join(",") !== invoiceIds.join(",")
  ) {
    throw new AppError(
      "CONFLICT",
      `Copy link seed ${input.seed} was already used for other invoices`,
    );
  }
  return {
    url: copyLinkUrl(deps.publicBaseUrl, token),
    token,
    expiresAt: stored.expiresAt,
  };
}

// ---- The page and its PDFs ----------------------------------------------------------------

export interface CopyLinkPageDeps {
  store: CopyLinkStore;
  documents: InvoiceDocuments;
  /** Issues the page's Pay link (`/p/…`); null shows the copy without one. */
  payLinks: {
    issue(input: {
      companyId: string;
      threadId: string;
      invoiceIds: string[];
      seed: string;
      now: Date;
      validityDays: number;
    }): Promise<{ url: string }>;
  } | null;
  logger: Logger;
}

export interface CopyPageInvoice {
  /** Our id: the PDF's path names it. */
  id: string;
  number: string;
  issueDate: LocalDate | null;
  dueDate: LocalDate;
  totalMinor: number;
  balanceMinor: number;
  currency: string;
  voided: boolean;
}

export type CopyLinkView =
  | { kind: "not_found" }
  | { kind: "expired"; business: PayLinkBusiness }
  | { kind: "unavailable"; business: PayLinkBusiness }
  | {
      kind: "copy";
      business: PayLinkBusiness;
      /** Oldest due first; invoices QuickBooks no longer has are left out. */
      invoices: CopyPageInvoice[];
      /** The open balance, when every open invoice is in one currency. */
      balanceDue: { minor: number; currency: string } | null;
      payUrl: string | null;
    };

export type CopyPdf =
  | { kind: "not_found" }
  | { kind: "expired"; business: PayLinkBusiness }
  | { kind: "unavailable"; business: PayLinkBusiness }
  | { kind: "pdf"; fileName: string; body: Uint8Array };

/**
 * What `GET /i/:token` shows: the link's invoices re-read from QuickBooks (one batched call),
 * each with its PDF's address, and a Pay link while something is open.
 */
export async function viewCopyLink(
  deps: CopyLinkPageDeps,
  token: string,
  now: Date,
): Promise<CopyLinkView> {
  const found = await openCopyLink(deps, token, now);
  if (found.kind !== "open") {
    return found;
  }
  const { link, business, invoices: mirrored } = found;
  let facts: InvoiceCopyFacts[];
  try {
    facts = await deps.documents.readInvoiceCopies(
      link.companyId,
      mirrored.map((invoice) => invoice.quickbooksId),
    );
  } catch (thrown) {
    deps.logger.warn(
      { payLinkId: link.id, err: toAppError(thrown).message },
      "copy link: QuickBooks could not be read",
    );
    return { kind: "unavailable", business };
  }
  const live = new Map(facts.map((fact) => [fact.quickbooksId, fact]));
  const invoices = mirrored
    .flatMap((invoice) => {
      const fact = live.get(invoice.quickbooksId);
      return fact ? [pageInvoice(invoice, fact)] : [];
    })
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const open = invoices.filter((invoice) => !invoice.voided && invoice.balanceMinor > 0);
  const currencies = new Set(open.map((invoice) => invoice.currency));
  const [currency] = currencies;
  const balanceDue =
    currencies.size === 1 && currency !== undefined
      ? { minor: open.reduce((sum, invoice) => sum + invoice.balanceMinor, 0), currency }
      : null;
  return {
    kind: "copy",
    business,
    invoices,
    balanceDue,
    payUrl: open.length > 0 ? await payUrlFor(deps, found, now) : null,
  };
}

/** `GET /i/:token/invoices/:invoiceId.pdf`: only an invoice the link names. */
export async function copyLinkPdf(
  deps: CopyLinkPageDeps,
  token: string,
  invoiceId: string,
  now: Date,
): Promise<CopyPdf> {
  const found = await openCopyLink(deps, token, now);
  if (found.kind !== "open") {
    return found;
  }
  const { link, business } = found;
  const invoice = link.invoiceIds.includes(invoiceId)
    ? found.invoices.find((candidate) => candidate.id === invoiceId)
    : undefined;
  if (!invoice) {
    return { kind: "not_found" };
  }
  try {
    const body = await deps.documents.invoicePdf(link.companyId, invoice.quickbooksId);
    // A body that is not a PDF (an error page from a proxy) is not handed to the customer.
    if (String.fromCharCode(...body.subarray(0, 5)) !== "%PDF-") {
      throw new AppError("PROVIDER_REJECTED", "QuickBooks answered the PDF with something else");
    }
    return { kind: "pdf", fileName: pdfFileName(invoice), body };
  } catch (thrown) {
    const error = toAppError(thrown);
    deps.logger.warn(
      { payLinkId: link.id, invoiceId, code: error.code, err: error.message },
      "copy link: the invoice PDF could not be read from QuickBooks",
    );
    return error.code === "NOT_FOUND" ? { kind: "not_found" } : { kind: "unavailable", business };
  }
}

type OpenedCopyLink =
  | { kind: "not_found" }
  | { kind: "expired"; business: PayLinkBusiness }
  | {
      kind: "open";
      link: StoredPayLink;
      business: PayLinkBusiness;
      invoices: MirroredInvoice[];
      payLinkValidityDays: number;
    };

async function openCopyLink(
  deps: CopyLinkPageDeps,
  token: string,
  now: Date,
): Promise<OpenedCopyLink> {
  if (!isWellFormedPayLinkToken(token)) {
    return { kind: "not_found" };
  }
  const link = await deps.store.findByTokenHash(hashPayLinkToken(token));
  // A pay link's token is not a copy link's: each path serves only its own kind.
  if (link?.purpose !== "invoice_copy") {
    return { kind: "not_found" };
  }
  const { business, invoices, payLinkValidityDays } = await deps.store.pageFacts(link);
  if (link.expiresAt.getTime() <= now.getTime()) {
    return { kind: "expired", business };
  }
  return { kind: "open", link, business, invoices, payLinkValidityDays };
}

/**
 * One Pay link per copy link (seeded by its id), so every visit shows the same one. It
 * covers all the link's invoices; the pay page itself leaves out whatever is paid by then.
 */
async function payUrlFor(
  deps: CopyLinkPageDeps,
  found: Extract<OpenedCopyLink, { kind: "open" }>,
  now: Date,
): Promise<string | null> {
  const { link } = found;
  if (!deps.payLinks || !link.threadId) {
    return null;
  }
  try {
    const issued = await deps.payLinks.issue({
      companyId: link.companyId,
      threadId: link.threadId,
      invoiceIds: link.invoiceIds,
      seed: `invoice-copy:${link.id}`,
      now,
      validityDays: found.payLinkValidityDays,
    });
    return issued.url;
  } catch (thrown) {
    // The copy is what was asked for; it is shown without a Pay link rather than not at all.
    deps.logger.warn(
      { payLinkId: link.id, err: toAppError(thrown).message },
      "copy link: no pay link could be issued for the page",
    );
    return null;
  }
}

function pageInvoice(invoice: MirroredInvoice, fact: InvoiceCopyFacts): CopyPageInvoice {
  return {
    id: invoice.id,
    number: fact.docNumber ?? invoice.docNumber ?? invoice.quickbooksId,
    issueDate: fact.issueDate,
    dueDate: fact.dueDate,
    totalMinor: fact.totalMinor,
    balanceMinor: fact.balanceMinor,
    currency: fact.currency,
    voided: fact.voided,
  };
}

/** A header-safe file name: `invoice-<number>.pdf`. */
function pdfFileName(invoice: MirroredInvoice): string {
  const number = (invoice.docNumber ?? invoice.quickbooksId).replace(/[^A-Za-z0-9._-]/g, "_");
  return `invoice-${number}.pdf`;
}
