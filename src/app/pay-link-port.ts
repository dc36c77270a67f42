import type { LocalDate } from "../domain/calendar.js";

// Storage for pay links (`/p/:token`) and the facts their page shows. Only a SHA-256 of a
// token is ever stored or looked up.

export type PayLinkPurpose = "pay" | "installment";

export interface NewPayLink {
  companyId: string;
  threadId: string;
  /** `invoice_copy` rows are `/i/:token` links (src/app/invoice-copies.ts). */
  purpose: PayLinkPurpose | "invoice_copy";
  tokenHash: string;
  /** Our invoice ids. */
  invoiceIds: string[];
  amountMinor: number | null;
  installmentNumber: number | null;
  expiresAt: Date;
}

export interface StoredPayLink {
  id: string;
  companyId: string;
  threadId: string | null;
  purpose: "pay" | "installment" | "invoice_copy";
  invoiceIds: string[];
  amountMinor: number | null;
  installmentNumber: number | null;
  expiresAt: Date;
  /** Set once every invoice of the link is paid: the link is spent. */
  usedAt: Date | null;
  stripeSessionId: string | null;
}

/** An invoice as our mirror knows it; the page re-reads its balance from QuickBooks. */
export interface MirroredInvoice {
  id: string;
  quickbooksId: string;
  customerQuickbooksId: string | null;
  docNumber: string | null;
  currency: string;
  balanceMinor: number;
  dueDate: LocalDate;
  status: "open" | "paid" | "voided" | "disputed";
}

/** Who the page speaks for and to. */
export interface PayLinkBusiness {
  name: string;
  contactPhone: string | null;
  contactEmail: string | null;
  /** The customer's language, else the company's default. */
  language: "en" | "es";
}

export interface PayLinkStore {
  /** Inserts the link, or returns the one already stored under this token hash. */
  upsert(link: NewPayLink): Promise<StoredPayLink>;
  findByTokenHash(tokenHash: string): Promise<StoredPayLink | null>;
  /** The link's company and customer (for the page), and its invoices from our mirror. */
  pageFacts(
    link: StoredPayLink,
  ): Promise<{ business: PayLinkBusiness; invoices: MirroredInvoice[] }>;
  recordCheckoutSession(linkId: string, sessionId: string): Promise<void>;
  /** Whether reconciliation has written this PaymentIntent back to QuickBooks. */
  isPaymentWrittenBack(stripePaymentIntentId: string): Promise<boolean>;
}
