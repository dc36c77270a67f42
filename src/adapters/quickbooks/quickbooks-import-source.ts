import type {
  ImportedCustomer,
  ImportedInvoice,
  QuickBooksChangeSource,
  QuickBooksChanges,
  QuickBooksImportSource,
} from "../../app/quickbooks-import.js";
import { languageFromNotes } from "../../app/quickbooks-import.js";
import { AppError } from "../../domain/errors.js";
import { invoiceFacts, type QboInvoiceRecord } from "./quickbooks-accounting.js";
import { invoke, type QuickBooksApi } from "./quickbooks-api.js";

// The import's reads: the overview (open-invoice count and first customer page) as one batch
// request, then pages of up to 1000 with STARTPOSITION/MAXRESULTS. Ordered by Id so pages stay
// stable while the company keeps working in QuickBooks.

interface QboCustomerRecord {
  Id: string;
  DisplayName?: string;
  PrimaryEmailAddr?: { Address?: string };
  BillAddr?: { CountrySubDivisionCode?: string };
  Mobile?: { FreeFormNumber?: string };
  Notes?: string;
  PrimaryPhone?: { FreeFormNumber?: string };
}

interface BatchItem {
  bId: string;
  QueryResponse?: { totalCount?: number; Customer?: QboCustomerRecord[] };
  Fault?: { Error?: Array<{ Detail?: string; Message?: string }> };
}

const OPEN = { field: "Balance", value: "0", operator: ">" } as const;

export class QuickBooksImportReader implements QuickBooksImportSource, QuickBooksChangeSource {
  constructor(private readonly api: QuickBooksApi) {}

  async overview(companyId: string, pageSize: number) {
    const response = await this.api.call(companyId, "importOverview", (client) =>
      invoke<{ BatchItemResponse?: BatchItem[] }>((callback) =>
        client.batch(
          [
            { bId: "count", Query: "select count(*) from Invoice where Balance > '0'" },
            {
              bId: "customers",
              Query: `select * from Customer orderby Id startposition 1 maxresults ${pageSize}`,
            },
          ] as unknown as Parameters<typeof client.batch>[0],
          callback,
        ),
      ),
    );
    const items = new Map((response.BatchItemResponse ?? []).map((item) => [item.bId, item]));
    for (const item of items.values()) {
      if (item.Fault) {
        const error = item.Fault.Error?.[0];
        throw new AppError(
          "PROVIDER_REJECTED",
          `QuickBooks import overview failed: ${error?.Detail ?? error?.Message ?? "fault"}`,
          { context: { provider: "quickbooks", item: item.bId } },
        );
      }
    }
    return {
      openInvoiceCount: items.get("count")?.QueryResponse?.totalCount ?? 0,
      customers: (items.get("customers")?.QueryResponse?.Customer ?? []).map(customerRecord),
    };
  }

  async customers(companyId: string, startPosition: number, pageSize: number) {
    const envelope = await this.api.call(companyId, "importCustomers", (client) =>
      invoke<{ QueryResponse?: { Customer?: QboCustomerRecord[] } }>((callback) =>
        client.findCustomers(
          [
            { field: "asc", value: "Id" },
            { field: "offset", value: startPosition },
            { field: "limit", value: pageSize },
          ],
          callback,
        ),
      ),
    );
    return (envelope.QueryResponse?.Customer ?? []).map(customerRecord);
  }

  async openInvoices(companyId: string, startPosition: number, pageSize: number) {
    const envelope = await this.api.call(companyId, "importInvoices", (client) =>
      invoke<{ QueryResponse?: { Invoice?: QboInvoiceRecord[] } }>((callback) =>
        client.findInvoices(
          [
            OPEN,
            { field: "asc", value: "Id" },
            { field: "offset", value: startPosition },
            { field: "limit", value: pageSize },
          ],
          callback,
        ),
      ),
    );
    return (envelope.QueryResponse?.Invoice ?? []).map(importedInvoice);
  }

  async changesSince(companyId: string, since: Date): Promise<QuickBooksChanges> {
    const envelope = await this.api.call(companyId, "changeDataCapture", (client) =>
      invoke<CdcEnvelope>((callback) =>
        // An ISO string in UTC: the SDK's own Date formatting uses the process time zone.
        client.changeDataCapture(["Customer", "Invoice"], since.toISOString(), callback),
      ),
    );
    const customers = cdcEntries(envelope, "Customer");
    const invoices = cdcEntries(envelope, "Invoice");
    return {
      customers: customers.live.map((row) => customerRecord(row as unknown as QboCustomerRecord)),
      invoices: invoices.live.map((row) => importedInvoice(row as unknown as QboInvoiceRecord)),
      deletedInvoiceIds: invoices.deleted,
      truncated:
        customers.live.length +
          customers.deleted.length +
          invoices.live.length +
          invoices.deleted.length >=
        CDC_MAX_OBJECTS,
      serverTime: envelope.time ? new Date(envelope.time) : since,
    };
  }
}

/** QuickBooks CDC answers at most this many objects (reference §A5). */
const CDC_MAX_OBJECTS = 1000;

type CdcEntry = Record<string, unknown> & { Id?: string; status?: string };

interface CdcEnvelope {
  CDCResponse?: Array<{ QueryResponse?: Array<Record<string, unknown>> }>;
  time?: string;
}

/** Splits one entity's CDC list into live rows and the ids of deleted ones. */
function cdcEntries(
  envelope: CdcEnvelope,
  entity: string,
): { live: CdcEntry[]; deleted: string[] } {
  const live: CdcEntry[] = [];
  const deleted: string[] = [];
  for (const response of envelope.CDCResponse ?? []) {
    for (const group of response.QueryResponse ?? []) {
      const rows = group[entity];
      for (const row of Array.isArray(rows) ? (rows as CdcEntry[]) : []) {
        if (row.status === "Deleted") {
          if (row.Id) {
            deleted.push(row.Id);
          }
        } else {
          live.push(row);
        }
      }
    }
  }
  return { live, deleted };
}

function customerRecord(customer: QboCustomerRecord): ImportedCustomer {
  return {
    quickbooksId: customer.Id,
    displayName: customer.DisplayName ?? `QuickBooks customer ${customer.Id}`,
    email: customer.PrimaryEmailAddr?.Address ?? null,
    region: customer.BillAddr?.CountrySubDivisionCode ?? null,
    phoneNumbers: [customer.Mobile?.FreeFormNumber, customer.PrimaryPhone?.FreeFormNumber].filter(
      (number): number is string => Boolean(number),
    ),
    language: languageFromNotes(customer.Notes),
  };
}

function importedInvoice(invoice: QboInvoiceRecord): ImportedInvoice {
  const updated = invoice.MetaData?.LastUpdatedTime;
  return {
    ...invoiceFacts(invoice),
    customerQuickbooksId: invoice.CustomerRef?.value ?? "",
    customerName: invoice.CustomerRef?.name ?? null,
    syncToken: invoice.SyncToken ?? null,
    updatedAt: updated ? new Date(updated) : null,
  };
}
