import type { LocalDate } from "../domain/calendar.js";
import type {
  MirroredInvoice,
  NewPayLink,
  PayLinkBusiness,
  StoredPayLink,
} from "./pay-link-port.js";
import type { InvoiceFacts } from "./ports.js";

// What the invoice-copy page (`/i/:token`) needs: its links, stored in `pay_links` with
// purpose `invoice_copy` (hashed like pay links), and QuickBooks' invoices and their PDFs.

/** An invoice as QuickBooks shows it now, with the date it was issued. */
export interface InvoiceCopyFacts extends InvoiceFacts {
  /** QuickBooks' TxnDate. */
  issueDate: LocalDate | null;
}

/** The accounting system's own documents (QuickBooks through its SDK). */
export interface InvoiceDocuments {
  readInvoiceCopies(companyId: string, quickbooksIds: string[]): Promise<InvoiceCopyFacts[]>;
  /** The invoice PDF exactly as the accounting system renders it. */
  invoicePdf(companyId: string, quickbooksId: string): Promise<Uint8Array>;
}

export interface CopyLinkStore {
  /** Inserts the link, or returns the one already stored under this token hash. */
  upsert(link: NewPayLink & { purpose: "invoice_copy" }): Promise<StoredPayLink>;
  findByTokenHash(tokenHash: string): Promise<StoredPayLink | null>;
  /** As for pay links, plus the company's pay-link validity for the page's Pay link. */
  pageFacts(link: StoredPayLink): Promise<{
    business: PayLinkBusiness;
    invoices: MirroredInvoice[];
    payLinkValidityDays: number;
  }>;
}
