import { and, arrayOverlaps, asc, eq, isNull, sql } from "drizzle-orm";
import type { MirroredInvoice } from "../../app/pay-link-port.js";
import type {
  NewStripePayment,
  PaymentStatus,
  PaymentStore,
  StoredPayment,
  ThreadPaymentFacts,
} from "../../app/payment-store-port.js";
import type { InvoiceFacts } from "../../app/ports.js";
import type { Database } from "../client.js";
import { customers, invoices, payLinks, payments, phones, threads } from "../schema/index.js";
import { mirroredInvoices } from "./pay-link-store.js";
import { insertStaffTask } from "./staff-task-rows.js";

// payments and the invoice mirror, as payment reconciliation writes them. The unique index
// on the PaymentIntent id is what makes a redelivered or duplicated Stripe event harmless.

const paymentColumns = {
  id: payments.id,
  companyId: payments.companyId,
  stripePaymentIntentId: payments.stripePaymentIntentId,
  amountMinor: payments.amountMinor,
  currency: payments.currency,
  status: payments.status,
  applications: payments.applications,
  quickbooksPaymentId: payments.quickbooksPaymentId,
  writtenBackAt: payments.writtenBackAt,
};

export class DrizzlePaymentStore implements PaymentStore {
  constructor(private readonly db: Database) {}

  async recordStripePayment(payment: NewStripePayment): Promise<StoredPayment> {
    await this.db
      .insert(payments)
      .values({
        companyId: payment.companyId,
        source: "stripe",
        stripePaymentIntentId: payment.stripePaymentIntentId,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        status: "succeeded",
        threadId: payment.threadId,
        occurredAt: payment.occurredAt,
      })
      .onConflictDoNothing({ target: payments.stripePaymentIntentId });
    const [row] = await this.db
      .select(paymentColumns)
      .from(payments)
      .where(eq(payments.stripePaymentIntentId, payment.stripePaymentIntentId));
    if (!row?.stripePaymentIntentId) {
      throw new Error(`Payment for ${payment.stripePaymentIntentId} vanished after it was written`);
    }
    return { ...row, stripePaymentIntentId: row.stripePaymentIntentId };
  }

  async planApplications(
    paymentId: string,
    applications: StoredPayment["applications"],
  ): Promise<void> {
    await this.db
      .update(payments)
      .set({ applications })
      .where(and(eq(payments.id, paymentId), isNull(payments.writtenBackAt)));
  }

  async markWrittenBack(paymentId: string, quickbooksPaymentId: string, at: Date): Promise<void> {
    await this.db
      .update(payments)
      .set({ quickbooksPaymentId, writtenBackAt: at })
      .where(eq(payments.id, paymentId));
  }

  async updateStatus(
    stripePaymentIntentId: string,
    status: PaymentStatus,
    staffNotice: { reason: string; text: string; at: Date } | null = null,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({
          id: payments.id,
          status: payments.status,
          companyId: payments.companyId,
          threadId: payments.threadId,
        })
        .from(payments)
        .where(eq(payments.stripePaymentIntentId, stripePaymentIntentId))
        .for("update");
      if (!row) {
        return false;
      }
      if (row.status === status) {
        return true;
      }
      await tx.update(payments).set({ status }).where(eq(payments.id, row.id));
      // Told once, when the status changes: a redelivered event finds it already changed.
      if (staffNotice) {
        await insertStaffTask(tx, {
          companyId: row.companyId,
          threadId: row.threadId,
          reason: staffNotice.reason,
          text: staffNotice.text,
          at: staffNotice.at,
          details: { paymentIntentId: stripePaymentIntentId },
        });
      }
      return true;
    });
  }

  async invoices(companyId: string, invoiceIds: string[]): Promise<MirroredInvoice[]> {
    const rows = await mirroredInvoices(this.db, companyId, invoiceIds);
    return rows.map(({ language: _language, ...invoice }) => invoice);
  }

  async applyInvoiceFacts(companyId: string, facts: InvoiceFacts[], at: Date): Promise<void> {
    for (const fact of facts) {
      const status = fact.voided ? "voided" : fact.balanceMinor > 0 ? "open" : "paid";
      await this.db
        .update(invoices)
        .set({
          balanceMinor: fact.balanceMinor,
          totalMinor: fact.totalMinor,
          // A dispute is ours, not QuickBooks': it stays while money is still owed.
          status:
            status === "open"
              ? sql`case when ${invoices.status} = 'disputed' then 'disputed' else 'open' end`
              : status,
          checkedAt: at,
          // Database time, as every write to invoices: the ladder's arming compares it with
          // when it last checked (see reminder-store.ts).
          updatedAt: sql`now()`,
        })
        .where(
          and(eq(invoices.companyId, companyId), eq(invoices.quickbooksId, fact.quickbooksId)),
        );
    }
  }

  async markPayLinksPaid(companyId: string, invoiceIds: string[], at: Date): Promise<void> {
    if (invoiceIds.length === 0) {
      return;
    }
    await this.db
      .update(payLinks)
      .set({ usedAt: at })
      .where(
        and(
          eq(payLinks.companyId, companyId),
          isNull(payLinks.usedAt),
          arrayOverlaps(payLinks.invoiceIds, invoiceIds),
          sql`not exists (select 1 from ${invoices} where ${invoices.id} = any(${payLinks.invoiceIds}) and ${invoices.balanceMinor} > 0 and ${invoices.status} in ('open', 'disputed'))`,
        ),
      );
  }

  async threadFacts(threadId: string): Promise<ThreadPaymentFacts | null> {
    const [thread] = await this.db
      .select({
        companyId: threads.companyId,
        phone: threads.phone,
        customerId: threads.customerId,
      })
      .from(threads)
      .where(eq(threads.id, threadId));
    if (!thread) {
      return null;
    }
    // The thread's customer: recorded on the thread, else the owner of its phone number.
    const [owner] = thread.customerId
      ? [{ id: thread.customerId }]
      : await this.db
          .select({ id: customers.id })
          .from(phones)
          .innerJoin(customers, eq(customers.id, phones.customerId))
          .where(and(eq(phones.companyId, thread.companyId), eq(phones.e164, thread.phone)));
    const open = owner
      ? await this.db
          .select({
            id: invoices.id,
            number: invoices.docNumber,
            balanceMinor: invoices.balanceMinor,
            currency: invoices.currency,
            dueDate: invoices.dueDate,
          })
          .from(invoices)
          .where(
            and(
              eq(invoices.customerId, owner.id),
              eq(invoices.status, "open"),
              sql`${invoices.balanceMinor} > 0`,
            ),
          )
          .orderBy(asc(invoices.dueDate))
      : [];
    return {
      companyId: thread.companyId,
      phone: thread.phone,
      openInvoices: open.map((invoice) => ({ ...invoice, number: invoice.number ?? invoice.id })),
    };
  }
}
