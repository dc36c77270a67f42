import type { LocalDate } from "./calendar.js";

// How one payment is spread over the invoices it was made for: the oldest due first, each
// up to its open balance. What no invoice can take stays unapplied (a credit in the books).

export interface PayableInvoice {
  id: string;
  balanceMinor: number;
  dueDate: LocalDate;
  /** Breaks ties between invoices due the same day, so the order is always the same. */
  number: string;
}

export interface PaymentAllocation {
  applications: Array<{ invoiceId: string; amountMinor: number }>;
  unappliedMinor: number;
}

export function allocateOldestFirst(
  amountMinor: number,
  invoices: readonly PayableInvoice[],
): PaymentAllocation {
  if (!Number.isInteger(amountMinor) || amountMinor < 0) {
    throw new RangeError(
      `A payment must be a non-negative integer of minor units, got ${amountMinor}`,
    );
  }
  const ordered = [...invoices]
    .filter((invoice) => invoice.balanceMinor > 0)
    .sort(
      (a, b) =>
        a.dueDate.localeCompare(b.dueDate) ||
        a.number.localeCompare(b.number, "en", { numeric: true }) ||
        a.id.localeCompare(b.id),
    );
  let remaining = amountMinor;
  const applications: PaymentAllocation["applications"] = [];
  for (const invoice of ordered) {
    if (remaining === 0) {
      break;
    }
    const applied = Math.min(remaining, invoice.balanceMinor);
    applications.push({ invoiceId: invoice.id, amountMinor: applied });
    remaining -= applied;
  }
  return { applications, unappliedMinor: remaining };
}

/** The amount a pay link asks for: its own amount (an installment) capped at what is owed. */
export function amountDue(totalOpenMinor: number, requestedMinor: number | null): number {
  return requestedMinor === null ? totalOpenMinor : Math.min(requestedMinor, totalOpenMinor);
}
