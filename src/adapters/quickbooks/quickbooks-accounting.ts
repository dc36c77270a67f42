import type { InvoiceCopyFacts, InvoiceDocuments } from "../../app/invoice-copy-port.js";
import type { Accounting, AccountingPayment, InvoiceFacts } from "../../app/ports.js";
import { invoke, type QuickBooksApi } from "./quickbooks-api.js";

// The Accounting port over QuickBooks: batched invoice reads (`Id IN (…)`, up to 1000 ids per
// query, so a pre-send check of a whole run costs a handful of calls) and payments posted with
// a `requestid`, so a retried post returns the first Payment instead of creating another.

const IDS_PER_QUERY = 1000;

export interface QboInvoiceRecord {
  Id: string;
  DocNumber?: string;
  CurrencyRef?: { value: string };
  TotalAmt?: number;
  Balance?: number;
  DueDate?: string;
  TxnDate?: string;
  PrivateNote?: string;
  CustomerRef?: { value: string; name?: string };
  SyncToken?: string;
  MetaData?: { LastUpdatedTime?: string };
}

interface QueryEnvelope<T> {
  QueryResponse?: { Invoice?: T[] };
}

export class QuickBooksAccounting implements Accounting, InvoiceDocuments {
  constructor(private readonly api: QuickBooksApi) {}

  async readInvoices(companyId: string, quickbooksIds: string[]): Promise<InvoiceFacts[]> {
    return (await this.queryInvoices(companyId, quickbooksIds)).map(invoiceFacts);
  }

  /** The same batched read, with each invoice's date (the COPY page shows it). */
  async readInvoiceCopies(companyId: string, quickbooksIds: string[]): Promise<InvoiceCopyFacts[]> {
    return (await this.queryInvoices(companyId, quickbooksIds)).map((invoice) => ({
      ...invoiceFacts(invoice),
      issueDate: invoice.TxnDate ?? null,
    }));
  }

  private async queryInvoices(
    companyId: string,
    quickbooksIds: string[],
  ): Promise<QboInvoiceRecord[]> {
    // QuickBooks ids are numeric: anything else cannot exist, and would only earn a 400.
    const ids = [...new Set(quickbooksIds)].filter((id) => /^\d+$/.test(id));
    const records: QboInvoiceRecord[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + IDS_PER_QUERY);
      const envelope = await this.api.call(companyId, "readInvoices", (client) =>
        invoke<QueryEnvelope<QboInvoiceRecord>>((callback) =>
          client.findInvoices(
            [
              { field: "Id", value: chunk, operator: "IN" },
              { field: "limit", value: IDS_PER_QUERY },
            ],
            callback,
          ),
        ),
      );
      records.push(...(envelope.QueryResponse?.Invoice ?? []));
    }
    return records;
  }

  async recordPayment(payment: AccountingPayment): Promise<{ quickbooksPaymentId: string }> {
    const created = await this.api.call(payment.companyId, "recordPayment", (client) =>
      invoke<{ Id: string }>((callback) =>
        // Built inside the operation: node-quickbooks deletes `requestId` from the object it
        // sends, and a retry must carry it again.
        client.createPayment(
          {
            CustomerRef: { value: payment.customerQuickbooksId },
            CurrencyRef: { value: payment.currency },
            TotalAmt: toDecimal(payment.amountMinor),
            PrivateNote: payment.memo,
            Line: payment.applications.map((application) => ({
              Amount: toDecimal(application.amountMinor),
              LinkedTxn: [{ TxnId: application.invoiceQuickbooksId, TxnType: "Invoice" }],
            })),
            requestId: payment.requestId,
          },
          callback,
        ),
      ),
    );
    return { quickbooksPaymentId: created.Id };
  }

  /** The invoice PDF as QuickBooks renders it (the COPY page streams it). */
  async invoicePdf(companyId: string, quickbooksId: string): Promise<Buffer> {
    const pdf = await this.api.call(companyId, "invoicePdf", (client) =>
      invoke<Buffer>((callback) => client.getInvoicePdf(quickbooksId, callback)),
    );
    return Buffer.from(pdf);
  }
}

export function invoiceFacts(invoice: QboInvoiceRecord): InvoiceFacts {
  return {
    quickbooksId: invoice.Id,
    docNumber: invoice.DocNumber ?? null,
    currency: invoice.CurrencyRef?.value ?? "USD",
    totalMinor: toMinor(invoice.TotalAmt ?? 0),
    balanceMinor: toMinor(invoice.Balance ?? 0),
    dueDate: invoice.DueDate ?? invoice.TxnDate ?? "",
    // QuickBooks voids by zeroing the amounts and prefixing the memo with "Voided".
    voided: (invoice.TotalAmt ?? 0) === 0 && /^Voided/i.test(invoice.PrivateNote ?? ""),
  };
}

// QuickBooks amounts are decimals in the currency's major unit; we keep integer minor units.
// Two decimals covers the currencies QuickBooks Online invoices in for our customers.
export function toMinor(amount: number): number {
  return Math.round(amount * 100);
}

export function toDecimal(minor: number): number {
  return minor / 100;
}
