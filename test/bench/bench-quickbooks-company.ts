import type { IncomingMessage, Server } from "node:http";
import type { Clock } from "../../src/app/ports.js";
import {
  Company,
  type EntityName,
  type QboCustomer,
  type QboInvoice,
  type QboPayment,
} from "../../src/sandbox/emulators/quickbooks/company.js";
import { parseQuery } from "../../src/sandbox/emulators/quickbooks/query-language.js";

// The QuickBooks emulator's company for benchmarks: seeded straight into its maps (no
// webhook per record, no duplicate-name scan), and with an Id lookup in front of the
// emulator's own query matcher. That matcher compares every invoice with every id of an
// `Id IN (…)` list (≈ 0.8 s for 1,000 ids over 10,000 invoices), a cost real QuickBooks does
// not have; narrowing the candidates to the listed ids first returns exactly the same rows,
// still parsed and matched by the emulator, so the pass is timed, not the emulator's scan.

export class BenchQuickBooksCompany extends Company {
  private readonly scopes = new Set<readonly string[]>();

  constructor(clock: Clock) {
    // No change notices: seeded records must not each fire a webhook at the app.
    super(clock, () => {});
  }

  override entities(name: EntityName): Array<QboCustomer | QboInvoice | QboPayment> {
    if (name !== "Invoice" || this.scopes.size === 0) {
      return super.entities(name);
    }
    const found = new Map<string, QboInvoice>();
    for (const ids of this.scopes) {
      for (const id of ids) {
        const invoice = this.invoices.get(id);
        if (invoice) {
          found.set(id, invoice);
        }
      }
    }
    return [...found.values()];
  }

  /**
   * Watches the sandbox's HTTP server: an invoice query by `Id IN (…)` narrows the candidates
   * until its response is finished. Runs before Fastify sees the request.
   */
  narrowQueriesOn(server: Server): void {
    server.prependListener("request", (request: IncomingMessage, response) => {
      const ids = invoiceIdsQueried(request.url ?? "");
      if (ids === null) {
        return;
      }
      this.scopes.add(ids);
      response.once("close", () => this.scopes.delete(ids));
    });
  }

  addCustomer(id: string, displayName: string, mobile: string): void {
    const metaData = this.benchMetaData();
    this.customers.set(id, {
      Id: id,
      SyncToken: "0",
      DisplayName: displayName,
      Mobile: { FreeFormNumber: mobile },
      BillAddr: { Line1: "1 Main St", City: "Austin", CountrySubDivisionCode: "TX" },
      Balance: 0,
      Active: true,
      CurrencyRef: { value: "USD", name: "United States Dollar" },
      MetaData: metaData,
      domain: "QBO",
      sparse: false,
    });
  }

  addInvoice(input: {
    id: string;
    customerId: string;
    docNumber: string;
    amountMinor: number;
    dueDate: string;
    txnDate: string;
  }): void {
    const customer = this.customers.get(input.customerId);
    const amount = input.amountMinor / 100;
    this.invoices.set(input.id, {
      Id: input.id,
      SyncToken: "0",
      DocNumber: input.docNumber,
      TxnDate: input.txnDate,
      DueDate: input.dueDate,
      CustomerRef: { value: input.customerId, name: customer?.DisplayName ?? "" },
      CurrencyRef: { value: "USD", name: "United States Dollar" },
      Line: [
        {
          Id: "1",
          LineNum: 1,
          Description: "Service",
          Amount: amount,
          DetailType: "SalesItemLineDetail",
          SalesItemLineDetail: { ItemRef: { value: "1", name: "Services" } },
        },
      ],
      TotalAmt: amount,
      Balance: amount,
      Deposit: 0,
      LinkedTxn: [],
      EmailStatus: "NotSet",
      MetaData: this.benchMetaData(),
      domain: "QBO",
      sparse: false,
    });
    if (customer) {
      customer.Balance = Math.round(customer.Balance * 100 + input.amountMinor) / 100;
    }
  }

  private benchMetaData() {
    const at = new Date("2026-10-01T12:00:00Z").toISOString();
    return { CreateTime: at, LastUpdatedTime: at };
  }
}

/** The ids of `select … from Invoice where Id IN (…)`, or null for any other request. */
function invoiceIdsQueried(url: string): string[] | null {
  if (!url.startsWith("/v3/company/") || !url.includes("/query?")) {
    return null;
  }
  const text = new URL(url, "http://sandbox").searchParams.get("query");
  if (!text) {
    return null;
  }
  try {
    const parsed = parseQuery(text);
    if (parsed.entity.toLowerCase() !== "invoice") {
      return null;
    }
    const byId = parsed.conditions.find(
      (condition) => condition.property.toLowerCase() === "id" && condition.operator === "IN",
    );
    return byId ? byId.values : null;
  } catch {
    // Not ours to judge: the emulator answers a bad query with its own fault.
    return null;
  }
}
