import type { Accounting, AccountingPayment, InvoiceFacts } from "../../src/app/ports.js";
import { AppError } from "../../src/domain/errors.js";

/** In-memory QuickBooks stand-in: invoices by id, payments replayed by requestId. */
export class FakeAccounting implements Accounting {
  readonly invoices = new Map<string, InvoiceFacts>();
  readonly payments: Array<AccountingPayment & { quickbooksPaymentId: string }> = [];

  async readInvoices(_companyId: string, quickbooksIds: string[]): Promise<InvoiceFacts[]> {
    return quickbooksIds.flatMap((id) => {
      const invoice = this.invoices.get(id);
      return invoice ? [{ ...invoice }] : [];
    });
  }

  async recordPayment(payment: AccountingPayment): Promise<{ quickbooksPaymentId: string }> {
    const replay = this.payments.find((existing) => existing.requestId === payment.requestId);
    if (replay) {
      return { quickbooksPaymentId: replay.quickbooksPaymentId };
    }
    for (const application of payment.applications) {
      const invoice = this.invoices.get(application.invoiceQuickbooksId);
      if (!invoice) {
        throw new AppError(
          "PROVIDER_REJECTED",
          `Invoice ${application.invoiceQuickbooksId} not found`,
        );
      }
      invoice.balanceMinor -= application.amountMinor;
    }
    const quickbooksPaymentId = String(this.payments.length + 1);
    this.payments.push({ ...payment, quickbooksPaymentId });
    return { quickbooksPaymentId };
  }
}
