import type { InvoiceFacts, Logger } from "./ports.js";

// Initial import of a newly connected company: its customers and its open invoices, in pages
// of 1000 (QuickBooks' maximum), so 5,000 open invoices cost one overview call plus five pages.
// Idempotent: re-running updates the same rows (keyed by company and QuickBooks id).

export interface ImportedCustomer {
  quickbooksId: string;
  displayName: string;
  email: string | null;
  /** Billing state/province code (e.g. "MA"), for per-state sending caps. */
  region: string | null;
  /** Numbers as QuickBooks holds them (mobile first); normalizing them is the phones' job. */
  phoneNumbers: string[];
}

export interface ImportedInvoice extends InvoiceFacts {
  customerQuickbooksId: string;
  customerName: string | null;
  syncToken: string | null;
  updatedAt: Date | null;
}

/** The QuickBooks side of the import (implemented over node-quickbooks in src/adapters). */
export interface QuickBooksImportSource {
  /** One round trip: how many invoices are open, and the first page of customers. */
  overview(
    companyId: string,
    pageSize: number,
  ): Promise<{ openInvoiceCount: number; customers: ImportedCustomer[] }>;
  /** `startPosition` is 1-based, as in the query language. */
  customers(
    companyId: string,
    startPosition: number,
    pageSize: number,
  ): Promise<ImportedCustomer[]>;
  openInvoices(
    companyId: string,
    startPosition: number,
    pageSize: number,
  ): Promise<ImportedInvoice[]>;
}

export interface QuickBooksImportStore {
  /** Upserts customers; returns our customer id per QuickBooks id. */
  upsertCustomers(companyId: string, customers: ImportedCustomer[]): Promise<Map<string, string>>;
  /** Upserts invoices whose customers exist (ids from `upsertCustomers`). */
  upsertInvoices(
    companyId: string,
    invoices: Array<ImportedInvoice & { customerId: string }>,
  ): Promise<void>;
}

export interface ImportProgress {
  phase: "customers" | "invoices";
  done: number;
  /** Known for invoices (from the count); for customers, what has been seen so far. */
  total: number;
}

export interface ImportSummary {
  customers: number;
  invoices: number;
}

export interface QuickBooksImportDeps {
  source: QuickBooksImportSource;
  store: QuickBooksImportStore;
  logger: Logger;
  /** QuickBooks caps MAXRESULTS at 1000. */
  pageSize?: number;
}

export async function importFromQuickBooks(
  deps: QuickBooksImportDeps,
  companyId: string,
  onProgress: (progress: ImportProgress) => void = () => {},
): Promise<ImportSummary> {
  const pageSize = deps.pageSize ?? 1000;
  const { openInvoiceCount, customers: firstPage } = await deps.source.overview(
    companyId,
    pageSize,
  );
  const customerIds = new Map<string, string>();

  let page = firstPage;
  let customerCount = 0;
  for (;;) {
    for (const [quickbooksId, id] of await deps.store.upsertCustomers(companyId, page)) {
      customerIds.set(quickbooksId, id);
    }
    customerCount += page.length;
    onProgress({ phase: "customers", done: customerCount, total: customerCount });
    deps.logger.info(
      { provider: "quickbooks", companyId, customers: customerCount },
      "import: customers",
    );
    if (page.length < pageSize) {
      break;
    }
    page = await deps.source.customers(companyId, customerCount + 1, pageSize);
  }

  let invoiceCount = 0;
  onProgress({ phase: "invoices", done: 0, total: openInvoiceCount });
  // Stops on a short page, or once the counted total is in: no trailing empty query when the
  // count is an exact multiple of the page size.
  while (invoiceCount < openInvoiceCount) {
    const invoices = await deps.source.openInvoices(companyId, invoiceCount + 1, pageSize);
    // Open invoices of customers QuickBooks no longer lists as active still need a customer row.
    const missing = invoices
      .filter((invoice) => !customerIds.has(invoice.customerQuickbooksId))
      .map((invoice) => ({
        quickbooksId: invoice.customerQuickbooksId,
        displayName: invoice.customerName ?? `QuickBooks customer ${invoice.customerQuickbooksId}`,
        email: null,
        region: null,
        phoneNumbers: [],
      }));
    if (missing.length > 0) {
      const unique = [
        ...new Map(missing.map((customer) => [customer.quickbooksId, customer])).values(),
      ];
      for (const [quickbooksId, id] of await deps.store.upsertCustomers(companyId, unique)) {
        customerIds.set(quickbooksId, id);
      }
      customerCount += unique.length;
    }
    await deps.store.upsertInvoices(
      companyId,
      invoices.map((invoice) => ({
        ...invoice,
        customerId: customerIds.get(invoice.customerQuickbooksId) ?? "",
      })),
    );
    invoiceCount += invoices.length;
    onProgress({
      phase: "invoices",
      done: invoiceCount,
      total: Math.max(openInvoiceCount, invoiceCount),
    });
    deps.logger.info(
      { provider: "quickbooks", companyId, invoices: invoiceCount, total: openInvoiceCount },
      "import: invoices",
    );
    if (invoices.length < pageSize) {
      break;
    }
  }
  return { customers: customerCount, invoices: invoiceCount };
}
