import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/domain/errors.js";
import {
  formatChoiceList,
  formatDate,
  formatInvoiceList,
  formatMoney,
  formatPhoneForDisplay,
  MESSAGE_VARIABLES,
  type MessageFacts,
  messageVars,
} from "../../../src/domain/message-format.js";

function validationError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("VALIDATION_FAILED");
    return error as AppError;
  }
  throw new Error("expected a VALIDATION_FAILED error");
}

const FACTS: MessageFacts = {
  businessName: "Acme Plumbing",
  contactPhone: "+15125550100",
  contactEmail: "billing@acmeplumbing.com",
  invoices: [
    { number: "1001", balanceMinor: 100_000, currency: "USD", dueDate: "2026-12-03" },
    { number: "1002", balanceMinor: 25_050, currency: "USD", dueDate: "2026-12-10" },
  ],
  payLink: "https://pay.acmeplumbing.com/p/Xk3v9QmT2pLr8sWz",
  copyLink: "https://pay.acmeplumbing.com/c/Xk3v9QmT2pLr8sWz",
  machineVars: {},
};

describe("formatMoney", () => {
  it("formats integer minor units in the currency's own precision", () => {
    expect(formatMoney(125_000, "USD", "en")).toBe("$1,250.00");
    expect(formatMoney(125_000, "USD", "es")).toBe("$1,250.00");
    expect(formatMoney(99_999_999, "usd", "en")).toBe("$999,999.99");
    expect(formatMoney(5, "USD", "en")).toBe("$0.05");
    expect(formatMoney(0, "USD", "en")).toBe("$0.00");
    expect(formatMoney(1234, "JPY", "en")).toBe("¥1,234");
    expect(formatMoney(125_000, "EUR", "en")).toBe("€1,250.00");
  });

  it("refuses amounts that are not whole minor units, and non-currencies", () => {
    validationError(() => formatMoney(12.5, "USD", "en"));
    validationError(() => formatMoney(-100, "USD", "en"));
    validationError(() => formatMoney(100, "US", "en"));
    validationError(() => formatMoney(100, "", "en"));
  });
});

describe("formatDate", () => {
  it('reads "Dec 3" in English and "3 de diciembre" in Spanish', () => {
    expect(formatDate("2026-12-03", "en")).toBe("Dec 3");
    expect(formatDate("2026-12-03", "es")).toBe("3 de diciembre");
    expect(formatDate("2027-01-31", "en")).toBe("Jan 31");
    expect(formatDate("2026-09-30", "es")).toBe("30 de septiembre");
  });

  it("refuses anything but a real YYYY-MM-DD date", () => {
    validationError(() => formatDate("2026-02-30", "en"));
    validationError(() => formatDate("12/03/2026", "en"));
    validationError(() => formatDate("", "es"));
  });
});

describe("formatInvoiceList", () => {
  it("names one or a few invoices with their noun", () => {
    expect(formatInvoiceList(["1001"], "en")).toBe("invoice 1001");
    expect(formatInvoiceList(["1001", "1002"], "en")).toBe("invoices 1001 and 1002");
    expect(formatInvoiceList(["1001", "1002", "1003"], "en")).toBe("invoices 1001, 1002 and 1003");
    expect(formatInvoiceList(["1001"], "es")).toBe("la factura 1001");
    expect(formatInvoiceList(["1001", "1002", "1003"], "es")).toBe(
      "las facturas 1001, 1002 y 1003",
    );
  });

  it("shortens long lists", () => {
    const six = ["1001", "1002", "1003", "1004", "1005", "1006"];
    expect(formatInvoiceList(six, "en")).toBe("invoices 1001, 1002 and 4 more");
    expect(formatInvoiceList(six, "es")).toBe("las facturas 1001, 1002 y 4 más");
    expect(formatInvoiceList(six.slice(0, 4), "en")).toBe("invoices 1001, 1002 and 2 more");
  });

  it("keeps long invoice numbers from swallowing the text", () => {
    const long = ["INV-2026-000000012345", "INV-2026-000000012346", "INV-2026-000000012347"];
    expect(formatInvoiceList(long, "en")).toBe("invoices INV-2026-000000012345 and 2 more");
    expect(formatInvoiceList([long[0] ?? ""], "en")).toBe("invoice INV-2026-000000012345");
  });

  it("uses Spanish euphony: e before an i-sound", () => {
    expect(formatInvoiceList(["1001", "INV-7"], "es")).toBe("las facturas 1001 e INV-7");
  });

  it("counts invoices without a number instead of printing a blank", () => {
    expect(formatInvoiceList([""], "en")).toBe("your invoice");
    expect(formatInvoiceList(["", " "], "en")).toBe("your 2 invoices");
    expect(formatInvoiceList([""], "es")).toBe("su factura");
    expect(formatInvoiceList(["", ""], "es")).toBe("sus 2 facturas");
    expect(formatInvoiceList(["1001", ""], "en")).toBe("invoices 1001 and 1 more");
    validationError(() => formatInvoiceList([], "en"));
  });
});

describe("formatChoiceList and formatPhoneForDisplay", () => {
  it("lists choices with or / o (u before an o-sound)", () => {
    expect(formatChoiceList([2, 3, 4], "en")).toBe("2, 3 or 4");
    expect(formatChoiceList([2, 3, 4], "es")).toBe("2, 3 o 4");
    expect(formatChoiceList([2], "en")).toBe("2");
    expect(formatChoiceList([7, 8], "es")).toBe("7 u 8");
  });

  it("shows North American numbers nationally, others internationally", () => {
    expect(formatPhoneForDisplay("+15125550100")).toBe("(512) 555-0100");
    expect(formatPhoneForDisplay("+525512345678")).toBe("+52 55 1234 5678");
    validationError(() => formatPhoneForDisplay("call us"));
  });
});

describe("messageVars", () => {
  it("fills the facts' placeholders with finished phrases in each language", () => {
    expect(messageVars(FACTS, "en")).toEqual({
      businessName: "Acme Plumbing",
      contact: "(512) 555-0100",
      invoiceList: "invoices 1001 and 1002",
      amount: "$1,250.50",
      dueDate: "Dec 3",
      payLink: FACTS.payLink,
      copyLink: FACTS.copyLink,
    });
    expect(messageVars(FACTS, "es")).toMatchObject({
      invoiceList: "las facturas 1001 y 1002",
      amount: "$1,250.50",
      dueDate: "3 de diciembre",
    });
  });

  it("takes the earliest due date whatever the order", () => {
    const invoices = [...FACTS.invoices].reverse();
    expect(messageVars({ ...FACTS, invoices }, "en").dueDate).toBe("Dec 3");
  });

  it("formats the thread machine's raw vars", () => {
    const plan = messageVars(
      {
        ...FACTS,
        machineVars: {
          installments: "3",
          firstAmountMinor: "41667",
          currency: "USD",
          nextDate: "2026-12-17",
          options: "2,3,4",
          promiseDate: "2026-12-05",
        },
      },
      "es",
    );
    expect(plan).toMatchObject({
      installmentCount: "3",
      installmentAmount: "$416.67",
      nextDate: "17 de diciembre",
      planOptions: "2, 3 o 4",
      promiseDate: "5 de diciembre",
    });
    const installment = messageVars(
      {
        ...FACTS,
        machineVars: {
          installment: "2",
          amountMinor: "41666",
          currency: "USD",
          dueDate: "2026-12-31",
        },
      },
      "en",
    );
    expect(installment).toMatchObject({
      installmentNumber: "2",
      installmentAmount: "$416.66",
      installmentDueDate: "Dec 31",
    });
    expect(installment.dueDate).toBe("Dec 3"); // the invoices' due date stays the invoices'
    const staff = messageVars({ ...FACTS, machineVars: { text: "  Hi, Ana here.  " } }, "en");
    expect(staff.staffText).toBe("Hi, Ana here.");
  });

  it("falls back to the machine's balance when no invoice facts came", () => {
    const vars = messageVars(
      { ...FACTS, invoices: [], machineVars: { balanceMinor: "15000", currency: "USD" } },
      "en",
    );
    expect(vars.amount).toBe("$150.00");
    expect(vars.invoiceList).toBeUndefined();
    expect(vars.dueDate).toBeUndefined();
  });

  it("leaves out what the facts lack, never an empty or 'undefined' value", () => {
    const vars = messageVars(
      {
        ...FACTS,
        contactPhone: null,
        contactEmail: null,
        payLink: null,
        copyLink: "  ",
        invoices: [],
        machineVars: { installment: "0", amountMinor: "0", nextDate: "", promiseDate: "" },
      },
      "en",
    );
    expect(vars).toEqual({ businessName: "Acme Plumbing", contact: "this number" });
    expect(messageVars({ ...FACTS, contactPhone: null, contactEmail: null }, "es").contact).toBe(
      "este número",
    );
  });

  it("names the contact email when there is no phone", () => {
    expect(messageVars({ ...FACTS, contactPhone: null }, "en").contact).toBe(
      "billing@acmeplumbing.com",
    );
  });

  it("adds up several currencies separately", () => {
    const invoices = [
      { number: "1", balanceMinor: 1000, currency: "USD", dueDate: "2026-12-03" },
      { number: "2", balanceMinor: 500, currency: "EUR", dueDate: "2026-12-04" },
      { number: "3", balanceMinor: 250, currency: "usd", dueDate: "2026-12-05" },
    ];
    expect(messageVars({ ...FACTS, invoices }, "en").amount).toBe("$12.50 + €5.00");
  });

  it("refuses links that are not https and machine vars of the wrong shape", () => {
    expect(
      validationError(() =>
        messageVars({ ...FACTS, payLink: "http://pay.acmeplumbing.com/p/x" }, "en"),
      ).message,
    ).toMatch(/payLink must be an https link/);
    validationError(() => messageVars({ ...FACTS, copyLink: "not a url" }, "en"));
    validationError(() => messageVars({ ...FACTS, machineVars: { installments: "many" } }, "en"));
    validationError(() => messageVars({ ...FACTS, machineVars: { options: "2,x" } }, "en"));
    validationError(() => messageVars({ ...FACTS, machineVars: { nextDate: "soon" } }, "en"));
  });

  it("fills only placeholders the templates may use", () => {
    const everything = messageVars(
      {
        ...FACTS,
        machineVars: {
          options: "2,3",
          installments: "2",
          installment: "1",
          firstAmountMinor: "100",
          currency: "USD",
          dueDate: "2026-12-03",
          nextDate: "2026-12-17",
          promiseDate: "2026-12-05",
          text: "hello",
        },
      },
      "en",
    );
    expect(Object.keys(everything).sort()).toEqual(Object.keys(MESSAGE_VARIABLES).sort());
  });
});
