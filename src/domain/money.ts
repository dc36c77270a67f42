// Money is integer minor units plus an ISO 4217 currency; never floats.

export interface Money {
  amountMinor: number;
  currency: string;
}

/**
 * Splits a total into `count` installments that add up exactly; the remainder of the
 * division goes to the first installment so later ones are round.
 */
export function splitIntoInstallments(totalMinor: number, count: number): number[] {
  if (!Number.isInteger(totalMinor) || totalMinor < 0) {
    throw new RangeError(`Total must be a non-negative integer of minor units, got ${totalMinor}`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`Installment count must be a positive integer, got ${count}`);
  }
  const base = Math.floor(totalMinor / count);
  const remainder = totalMinor - base * count;
  return Array.from({ length: count }, (_, index) => (index === 0 ? base + remainder : base));
}
