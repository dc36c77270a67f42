import { describe, expect, it } from "vitest";
import { allocateOldestFirst, amountDue } from "../../../src/domain/payment-allocation.js";

const invoices = [
  { id: "iv_b", balanceMinor: 10_000, dueDate: "2026-11-20", number: "1002" },
  { id: "iv_a", balanceMinor: 6_000, dueDate: "2026-11-01", number: "1001" },
  { id: "iv_c", balanceMinor: 2_000, dueDate: "2026-11-20", number: "998" },
];

describe("allocateOldestFirst", () => {
  it("pays the oldest due invoice first; same-day invoices go by number", () => {
    expect(allocateOldestFirst(9_000, invoices)).toEqual({
      applications: [
        { invoiceId: "iv_a", amountMinor: 6_000 },
        { invoiceId: "iv_c", amountMinor: 2_000 },
        { invoiceId: "iv_b", amountMinor: 1_000 },
      ],
      unappliedMinor: 0,
    });
  });

  it("covers exactly the total, and leaves what no invoice can take unapplied", () => {
    expect(allocateOldestFirst(18_000, invoices).unappliedMinor).toBe(0);
    expect(allocateOldestFirst(18_001, invoices).unappliedMinor).toBe(1);
  });

  it("skips paid invoices and applies nothing when everything is paid", () => {
    const paid = invoices.map((invoice) => ({ ...invoice, balanceMinor: 0 }));
    expect(allocateOldestFirst(500, paid)).toEqual({ applications: [], unappliedMinor: 500 });
  });

  it("refuses fractions and negative amounts", () => {
    expect(() => allocateOldestFirst(10.5, invoices)).toThrow(RangeError);
    expect(() => allocateOldestFirst(-1, invoices)).toThrow(RangeError);
  });
});

describe("amountDue", () => {
  it("is the whole balance, or an installment capped at the balance", () => {
    expect(amountDue(16_000, null)).toBe(16_000);
    expect(amountDue(16_000, 8_000)).toBe(8_000);
    expect(amountDue(5_000, 8_000)).toBe(5_000);
  });
});
