import type { Clock } from "../../../app/ports.js";
import { qboTime } from "./faults.js";

// One QuickBooks company in memory. Entities are plain objects with the service's own field
// names (checked against the XSDs by a contract test), so what the SDK receives is what the
// real service would send. Amounts are kept as decimals like QuickBooks, computed in cents.

export interface Ref {
  value: string;
  name?: string;
}

export interface MetaData {
  CreateTime: string;
  LastUpdatedTime: string;
}

export interface QboCustomer {
  Id: string;
  SyncToken: string;
  DisplayName: string;
  GivenName?: string;
  FamilyName?: string;
  CompanyName?: string;
  PrimaryPhone?: { FreeFormNumber: string };
  Mobile?: { FreeFormNumber: string };
  PrimaryEmailAddr?: { Address: string };
  BillAddr?: {
    Line1?: string;
    City?: string;
    CountrySubDivisionCode?: string;
    PostalCode?: string;
  };
  Notes?: string;
  Balance: number;
  Active: boolean;
  CurrencyRef: Ref;
  MetaData: MetaData;
  domain: "QBO";
  sparse: false;
}

export interface LinkedTxn {
  TxnId: string;
  TxnType: string;
}

export interface InvoiceLine {
  Id?: string;
  LineNum?: number;
  Description?: string;
  Amount: number;
  DetailType: "SalesItemLineDetail";
  SalesItemLineDetail: { ItemRef: Ref; Qty?: number; UnitPrice?: number };
}

export interface QboInvoice {
  Id: string;
  SyncToken: string;
  DocNumber: string;
  TxnDate: string;
  DueDate: string;
  CustomerRef: Ref;
  CurrencyRef: Ref;
  Line: InvoiceLine[];
  TotalAmt: number;
  Balance: number;
  Deposit: number;
  LinkedTxn: LinkedTxn[];
  BillEmail?: { Address: string };
  CustomerMemo?: { value: string };
  PrivateNote?: string;
  EmailStatus: "NotSet" | "NeedToSend" | "EmailSent";
  MetaData: MetaData;
  domain: "QBO";
  sparse: false;
}

export interface PaymentLine {
  Amount: number;
  LinkedTxn: LinkedTxn[];
}

export interface QboPayment {
  Id: string;
  SyncToken: string;
  TxnDate: string;
  CustomerRef: Ref;
  CurrencyRef: Ref;
  TotalAmt: number;
  UnappliedAmt: number;
  Line: PaymentLine[];
  PrivateNote?: string;
  PaymentRefNum?: string;
  ProcessPayment: false;
  MetaData: MetaData;
  domain: "QBO";
  sparse: false;
}

export type EntityName = "Customer" | "Invoice" | "Payment";
// "voided" follows the legacy `Void` operation; its CloudEvents name is unverified (reference §F).
export type Operation = "created" | "updated" | "deleted" | "voided";

export class BusinessError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

const cents = (amount: number) => Math.round(amount * 100);
const decimal = (value: number) => value / 100;

export class Company {
  readonly customers = new Map<string, QboCustomer>();
  readonly invoices = new Map<string, QboInvoice>();
  readonly payments = new Map<string, QboPayment>();
  private nextId = 1;
  private nextDocNumber = 1001;

  constructor(
    private readonly clock: Clock,
    private readonly onChange: (entity: EntityName, id: string, operation: Operation) => void,
  ) {}

  entities(name: EntityName): Array<QboCustomer | QboInvoice | QboPayment> {
    const map =
      name === "Customer" ? this.customers : name === "Invoice" ? this.invoices : this.payments;
    return [...map.values()];
  }

  createCustomer(input: Partial<QboCustomer> & { DisplayName: string }): QboCustomer {
    if ([...this.customers.values()].some((c) => c.DisplayName === input.DisplayName)) {
      throw new BusinessError(
        "Duplicate Name Exists Error",
        "6240",
        `The name supplied already exists. : ${input.DisplayName}`,
      );
    }
    const customer: QboCustomer = {
      ...input,
      Id: this.id(),
      SyncToken: "0",
      DisplayName: input.DisplayName,
      Balance: 0,
      Active: input.Active ?? true,
      CurrencyRef: input.CurrencyRef ?? { value: "USD", name: "United States Dollar" },
      MetaData: this.metaData(),
      domain: "QBO",
      sparse: false,
    };
    this.customers.set(customer.Id, customer);
    this.onChange("Customer", customer.Id, "created");
    return customer;
  }

  createInvoice(input: {
    CustomerRef: Ref;
    Line?: Array<Partial<InvoiceLine> & { Amount: number }>;
    TotalAmt?: number;
    DueDate?: string;
    TxnDate?: string;
    DocNumber?: string;
    CurrencyRef?: Ref;
    BillEmail?: { Address: string };
    CustomerMemo?: { value: string };
    PrivateNote?: string;
  }): QboInvoice {
    const customer = this.customers.get(input.CustomerRef?.value ?? "");
    if (!customer) {
      throw new BusinessError(
        "Invalid Reference Id",
        "2500",
        `Invalid Reference Id : Customer assigned to this transaction has been deleted or does not exist: ${input.CustomerRef?.value}`,
      );
    }
    const lines = input.Line ?? (input.TotalAmt !== undefined ? [{ Amount: input.TotalAmt }] : []);
    if (lines.length === 0) {
      throw new BusinessError(
        "Required param missing, need to supply the required value for the API",
        "2020",
        "Required parameter Line is missing in the request",
      );
    }
    const today = this.today();
    const docNumber = input.DocNumber ?? String(this.nextDocNumber++);
    const totalCents = lines.reduce((sum, line) => sum + cents(line.Amount), 0);
    const invoice: QboInvoice = {
      Id: this.id(),
      SyncToken: "0",
      DocNumber: docNumber,
      TxnDate: input.TxnDate ?? today,
      DueDate: input.DueDate ?? input.TxnDate ?? today,
      CustomerRef: { value: customer.Id, name: customer.DisplayName },
      CurrencyRef: input.CurrencyRef ?? customer.CurrencyRef,
      Line: lines.map((line, index) => normalizeLine(line, index)),
      TotalAmt: decimal(totalCents),
      Balance: decimal(totalCents),
      Deposit: 0,
      LinkedTxn: [],
      EmailStatus: "NotSet",
      MetaData: this.metaData(),
      domain: "QBO",
      sparse: false,
      ...(input.BillEmail ? { BillEmail: input.BillEmail } : {}),
      ...(input.CustomerMemo ? { CustomerMemo: input.CustomerMemo } : {}),
      ...(input.PrivateNote ? { PrivateNote: input.PrivateNote } : {}),
    };
    this.invoices.set(invoice.Id, invoice);
    customer.Balance = decimal(cents(customer.Balance) + totalCents);
    this.onChange("Invoice", invoice.Id, "created");
    return invoice;
  }

  /** Sparse update of the editable fields; Balance follows TotalAmt minus what was paid. */
  patchInvoice(
    id: string,
    patch: Partial<Pick<QboInvoice, "DueDate" | "DocNumber" | "TxnDate" | "PrivateNote">> & {
      TotalAmt?: number;
      Line?: Array<Partial<InvoiceLine> & { Amount: number }>;
      SyncToken?: string;
    },
  ): QboInvoice {
    const invoice = this.invoices.get(id);
    if (!invoice) {
      throw notFound("Invoice", id);
    }
    if (patch.SyncToken !== undefined && patch.SyncToken !== invoice.SyncToken) {
      throw new BusinessError(
        "Stale Object Error",
        "5010",
        `Stale Object Error : You and another user were working on the same thing. Please try again. SyncToken ${patch.SyncToken} != ${invoice.SyncToken}`,
      );
    }
    const paidCents = cents(invoice.TotalAmt) - cents(invoice.Balance);
    const lines =
      patch.Line ?? (patch.TotalAmt !== undefined ? [{ Amount: patch.TotalAmt }] : undefined);
    if (lines) {
      const totalCents = lines.reduce((sum, line) => sum + cents(line.Amount), 0);
      if (totalCents < paidCents) {
        throw new BusinessError(
          "A business validation error has occurred while processing your request",
          "6000",
          "Business Validation Error: The invoice amount can not be less than the payments applied to it.",
        );
      }
      this.adjustCustomerBalance(invoice.CustomerRef.value, totalCents - cents(invoice.TotalAmt));
      invoice.Line = lines.map((line, index) => normalizeLine(line, index));
      invoice.TotalAmt = decimal(totalCents);
      invoice.Balance = decimal(totalCents - paidCents);
    }
    for (const key of ["DueDate", "DocNumber", "TxnDate", "PrivateNote"] as const) {
      const value = patch[key];
      if (value !== undefined) {
        invoice[key] = value;
      }
    }
    this.touch(invoice);
    this.onChange("Invoice", invoice.Id, "updated");
    return invoice;
  }

  /** QuickBooks voids by zeroing the amounts and marking the memo; the Id stays. */
  voidInvoice(id: string): QboInvoice {
    const invoice = this.invoices.get(id);
    if (!invoice) {
      throw notFound("Invoice", id);
    }
    if (cents(invoice.Balance) !== cents(invoice.TotalAmt)) {
      throw new BusinessError(
        "A business validation error has occurred while processing your request",
        "6000",
        "Business Validation Error: An invoice with payments applied can not be voided.",
      );
    }
    this.adjustCustomerBalance(invoice.CustomerRef.value, -cents(invoice.Balance));
    invoice.Line = invoice.Line.map((line) => ({ ...line, Amount: 0 }));
    invoice.TotalAmt = 0;
    invoice.Balance = 0;
    invoice.PrivateNote = `Voided${invoice.PrivateNote ? ` - ${invoice.PrivateNote}` : ""}`;
    this.touch(invoice);
    this.onChange("Invoice", invoice.Id, "voided");
    return invoice;
  }

  createPayment(input: {
    CustomerRef: Ref;
    TotalAmt: number;
    Line?: Array<{ Amount: number; LinkedTxn?: LinkedTxn[] }>;
    CurrencyRef?: Ref;
    PrivateNote?: string;
    PaymentRefNum?: string;
    TxnDate?: string;
  }): QboPayment {
    const customer = this.customers.get(input.CustomerRef?.value ?? "");
    if (!customer) {
      throw new BusinessError(
        "Invalid Reference Id",
        "2500",
        `Invalid Reference Id : Customer does not exist: ${input.CustomerRef?.value}`,
      );
    }
    if (typeof input.TotalAmt !== "number" || input.TotalAmt < 0) {
      throw new BusinessError(
        "Required param missing, need to supply the required value for the API",
        "2020",
        "Required parameter TotalAmt is missing in the request",
      );
    }
    const lines = input.Line ?? [];
    const applications: Array<{ invoice: QboInvoice; amountCents: number }> = [];
    for (const line of lines) {
      for (const linked of line.LinkedTxn ?? []) {
        const invoice = linked.TxnType === "Invoice" ? this.invoices.get(linked.TxnId) : undefined;
        if (!invoice || invoice.CustomerRef.value !== customer.Id) {
          throw new BusinessError(
            "Invalid Reference Id",
            "2500",
            `Invalid Reference Id : ${linked.TxnType} ${linked.TxnId} is not an open transaction of this customer`,
          );
        }
        applications.push({ invoice, amountCents: cents(line.Amount) });
      }
    }
    const appliedCents = applications.reduce((sum, a) => sum + a.amountCents, 0);
    if (appliedCents > cents(input.TotalAmt)) {
      throw new BusinessError(
        "A business validation error has occurred while processing your request",
        "6000",
        "Business Validation Error: The amount applied to transactions exceeds the payment amount.",
      );
    }
    for (const { invoice, amountCents } of applications) {
      if (amountCents > cents(invoice.Balance)) {
        throw new BusinessError(
          "A business validation error has occurred while processing your request",
          "6000",
          `Business Validation Error: The payment amount exceeds the open balance of invoice ${invoice.DocNumber}.`,
        );
      }
    }
    const payment: QboPayment = {
      Id: this.id(),
      SyncToken: "0",
      TxnDate: input.TxnDate ?? this.today(),
      CustomerRef: { value: customer.Id, name: customer.DisplayName },
      CurrencyRef: input.CurrencyRef ?? customer.CurrencyRef,
      TotalAmt: input.TotalAmt,
      UnappliedAmt: decimal(cents(input.TotalAmt) - appliedCents),
      Line: applications.map(({ invoice, amountCents }) => ({
        Amount: decimal(amountCents),
        LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }],
      })),
      ProcessPayment: false,
      MetaData: this.metaData(),
      domain: "QBO",
      sparse: false,
      ...(input.PrivateNote ? { PrivateNote: input.PrivateNote } : {}),
      ...(input.PaymentRefNum ? { PaymentRefNum: input.PaymentRefNum } : {}),
    };
    this.payments.set(payment.Id, payment);
    this.adjustCustomerBalance(customer.Id, -cents(input.TotalAmt));
    this.onChange("Payment", payment.Id, "created");
    for (const { invoice, amountCents } of applications) {
      invoice.Balance = decimal(cents(invoice.Balance) - amountCents);
      invoice.LinkedTxn.push({ TxnId: payment.Id, TxnType: "Payment" });
      this.touch(invoice);
      this.onChange("Invoice", invoice.Id, "updated");
    }
    return payment;
  }

  private adjustCustomerBalance(customerId: string, deltaCents: number): void {
    const customer = this.customers.get(customerId);
    if (customer) {
      customer.Balance = decimal(cents(customer.Balance) + deltaCents);
      this.touch(customer);
    }
  }

  private touch(entity: { SyncToken: string; MetaData: MetaData }): void {
    entity.SyncToken = String(Number(entity.SyncToken) + 1);
    entity.MetaData = { ...entity.MetaData, LastUpdatedTime: qboTime(this.clock.now()) };
  }

  private id(): string {
    return String(this.nextId++);
  }

  private metaData(): MetaData {
    const at = qboTime(this.clock.now());
    return { CreateTime: at, LastUpdatedTime: at };
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}

export function notFound(entity: string, id: string): BusinessError {
  return new BusinessError(
    "Object Not Found",
    "610",
    `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. ${entity} ${id}`,
  );
}

function normalizeLine(
  line: Partial<InvoiceLine> & { Amount: number },
  index: number,
): InvoiceLine {
  return {
    Id: String(index + 1),
    LineNum: index + 1,
    Description: line.Description ?? "Services",
    Amount: line.Amount,
    DetailType: "SalesItemLineDetail",
    SalesItemLineDetail: line.SalesItemLineDetail ?? {
      ItemRef: { value: "1", name: "Services" },
      Qty: 1,
      UnitPrice: line.Amount,
    },
  };
}
