import { randomBytes } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { expect } from "vitest";
import { THREAD_MACHINE_VERSION } from "../../../machines/thread.versions.js";
import { companies, invoices, threads } from "../../../src/db/schema/index.js";
import { startSandboxedApp } from "../../helpers/start-sandboxed-app.js";

// The sandboxed product as the pay-link and invoice-copy tests drive it: a company with a
// billing contact, customers and invoices created in the QuickBooks emulator and imported
// through its webhook, and the threads links belong to.

export type RunningSandbox = Awaited<ReturnType<typeof startSandboxedApp>>;

export interface InvoiceLine {
  amount: number;
  dueDate: string;
  docNumber: string;
  txnDate?: string;
}

export class PaymentsSandbox {
  private phoneSequence = 0;

  private constructor(
    readonly running: RunningSandbox,
    readonly companyId: string,
    /** Seven digits after +1: each test file its own block of numbers. */
    private readonly phonePrefix: string,
    private readonly namePrefix: string,
  ) {}

  static async start(names: { phonePrefix: string; namePrefix: string }): Promise<PaymentsSandbox> {
    const running = await startSandboxedApp();
    const [company] = await running.database.db.select({ id: companies.id }).from(companies);
    const companyId = company?.id ?? "";
    await running.database.db
      .update(companies)
      .set({ settings: { contact: { phone: "(512) 555-0100", email: "billing@acme.test" } } })
      .where(eq(companies.id, companyId));
    return new PaymentsSandbox(running, companyId, names.phonePrefix, names.namePrefix);
  }

  get db() {
    return this.running.database.db;
  }

  get emulators() {
    if (!this.running.sandbox) {
      throw new Error("the sandbox is not running");
    }
    return this.running.sandbox.emulators;
  }

  /** A POST to the sandbox control API; anything but 200 throws with the answer. */
  async control(path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.running.sandboxUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) {
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
    }
    return json;
  }

  /** A new QuickBooks customer with invoices, imported through the webhook, and its thread. */
  async customerWithInvoices(lines: InvoiceLine[], options: { notes?: string } = {}) {
    this.phoneSequence++;
    const phone = `+1${this.phonePrefix}${String(1000 + this.phoneSequence).slice(-4)}`;
    const customer = await this.control("/_sandbox/qbo/customers", {
      DisplayName: `${this.namePrefix} ${this.phoneSequence} ${randomBytes(3).toString("hex")}`,
      Mobile: { FreeFormNumber: phone },
      ...(options.notes ? { Notes: options.notes } : {}),
    });
    const created: string[] = [];
    for (const line of lines) {
      const invoice = await this.control("/_sandbox/qbo/invoices", {
        CustomerRef: { value: customer.Id },
        TotalAmt: line.amount,
        ...(line.txnDate ? { TxnDate: line.txnDate } : {}),
        DueDate: line.dueDate,
        DocNumber: line.docNumber,
      });
      created.push(String(invoice.Id));
    }
    const rows = await this.db
      .select({ id: invoices.id, quickbooksId: invoices.quickbooksId })
      .from(invoices)
      .where(and(eq(invoices.companyId, this.companyId), inArray(invoices.quickbooksId, created)));
    const invoiceIds = created.map(
      (quickbooksId) => rows.find((row) => row.quickbooksId === quickbooksId)?.id ?? "",
    );
    expect(invoiceIds.every((id) => id !== "")).toBe(true);
    // The thread the reminders run on; the app may already have opened it for the new invoices.
    await this.db
      .insert(threads)
      .values({
        companyId: this.companyId,
        phone,
        state: "active",
        machineVersion: THREAD_MACHINE_VERSION,
      })
      .onConflictDoNothing({ target: [threads.companyId, threads.phone] });
    const [thread] = await this.db
      .select({ id: threads.id })
      .from(threads)
      .where(and(eq(threads.companyId, this.companyId), eq(threads.phone, phone)));
    return { phone, invoiceIds, quickbooksIds: created, threadId: thread?.id ?? "" };
  }
}

/** A public page as a browser gets it. */
export async function page(url: string) {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, html: await response.text() };
}
