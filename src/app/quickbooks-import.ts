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
  /** From a `lang:es` / `lang:en` tag in the customer's Notes (how admins mark it); else null. */
  language: "en" | "es" | null;
}

/** QuickBooks has no language field: admins tag customers in Notes, e.g. "lang:es". */
export function languageFromNotes(notes: string | null | undefined): "en" | "es" | null {
  const tag = /\blang:(en|es)\b/i.exec(notes ?? "")?.[1]?.toLowerCase();
  return tag === "en" || tag === "es" ? tag : null;
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
        language: null,
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

// ---- Change Data Capture: the safety net behind webhooks -------------------------------------

export interface QuickBooksChanges {
  customers: ImportedCustomer[];
  invoices: ImportedInvoice[];
  /** Invoices deleted in QuickBooks since then (CDC reports them as status "Deleted"). */
  deletedInvoiceIds: string[];
  /** QuickBooks' own time of the answer: the base of the next `since`. */
  serverTime: Date;
  /** CDC answers at most 1000 objects: at the cap, some changes may be missing. */
  truncated: boolean;
}

export interface QuickBooksChangeSource {
  /** Everything changed since `since` (CDC; at most 30 days back, 1000 objects). */
  changesSince(companyId: string, since: Date): Promise<QuickBooksChanges>;
}

export interface QuickBooksSyncStore extends QuickBooksImportStore {
  markInvoicesVoided(companyId: string, quickbooksIds: string[]): Promise<void>;
}

export interface QuickBooksSyncDeps {
  source: QuickBooksImportSource & QuickBooksChangeSource;
  store: QuickBooksSyncStore;
  logger: Logger;
  now: () => Date;
}

/** CDC looks back at most 30 days; older cursors need a full import instead. */
export const CDC_MAX_LOOKBACK_MS = 30 * 86_400_000;
/** Changes committed just before the server's answer can show up late: re-read a margin. */
export const CDC_SAFETY_MARGIN_MS = 5 * 60_000;

/**
 * Applies what changed since `since` and returns the next cursor. A cursor too old for CDC
 * (or none) falls back to the full import. Persisting the cursor is the caller's job.
 */
export async function syncQuickBooksChanges(
  deps: QuickBooksSyncDeps,
  companyId: string,
  since: Date | null,
): Promise<{ mode: "cdc" | "import"; customers: number; invoices: number; nextSince: Date }> {
  const now = deps.now();
  if (
    since === null ||
    now.getTime() - since.getTime() > CDC_MAX_LOOKBACK_MS - CDC_SAFETY_MARGIN_MS
  ) {
    const summary = await importFromQuickBooks(deps, companyId);
    return {
      mode: "import",
      ...summary,
      nextSince: new Date(now.getTime() - CDC_SAFETY_MARGIN_MS),
    };
  }
  const changes = await deps.source.changesSince(companyId, since);
  if (changes.truncated) {
    deps.logger.warn(
      { provider: "quickbooks", companyId },
      "QuickBooks CDC answer at its cap; running a full import instead",
    );
    const summary = await importFromQuickBooks(deps, companyId);
    return {
      mode: "import",
      ...summary,
      nextSince: new Date(now.getTime() - CDC_SAFETY_MARGIN_MS),
    };
  }
  const ids = await deps.store.upsertCustomers(companyId, changes.customers);
  const needed = changes.invoices.filter((invoice) => !ids.has(invoice.customerQuickbooksId));
  if (needed.length > 0) {
    // Invoices whose customers did not change: their rows exist already (or come as stubs).
    const stubs = [
      ...new Map(needed.map((invoice) => [invoice.customerQuickbooksId, invoice])).values(),
    ];
    const more = await deps.store.upsertCustomers(
      companyId,
      stubs.map((invoice) => ({
        quickbooksId: invoice.customerQuickbooksId,
        displayName: invoice.customerName ?? `QuickBooks customer ${invoice.customerQuickbooksId}`,
        email: null,
        region: null,
        phoneNumbers: [],
        language: null,
      })),
    );
    for (const [quickbooksId, id] of more) {
      ids.set(quickbooksId, id);
    }
  }
  await deps.store.upsertInvoices(
    companyId,
    changes.invoices.map((invoice) => ({
      ...invoice,
      customerId: ids.get(invoice.customerQuickbooksId) ?? "",
    })),
  );
  await deps.store.markInvoicesVoided(companyId, changes.deletedInvoiceIds);
  deps.logger.info(
    {
      provider: "quickbooks",
      companyId,
      customers: changes.customers.length,
      invoices: changes.invoices.length,
      deleted: changes.deletedInvoiceIds.length,
    },
    "QuickBooks changes applied",
  );
  return {
    mode: "cdc",
    customers: changes.customers.length,
    invoices: changes.invoices.length,
    nextSince: new Date(changes.serverTime.getTime() - CDC_SAFETY_MARGIN_MS),
  };
}
