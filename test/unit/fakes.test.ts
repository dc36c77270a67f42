import { describe } from "vitest";
import { accountingContract, paymentsContract } from "../contracts/provider-ports.contract.js";
import { FakeAccounting } from "../fakes/fake-accounting.js";
import { FakePayments } from "../fakes/fake-payments.js";

describe("FakeAccounting meets the Accounting port contract", () => {
  accountingContract(async () => {
    const accounting = new FakeAccounting();
    accounting.invoices.set("130", {
      quickbooksId: "130",
      docNumber: "1037",
      currency: "USD",
      totalMinor: 20_000,
      balanceMinor: 20_000,
      dueDate: "2026-11-10",
      voided: false,
    });
    return { accounting, invoiceId: "130" };
  });
});

describe("FakePayments meets the Payments port contract", () => {
  paymentsContract(async () => new FakePayments());
});
