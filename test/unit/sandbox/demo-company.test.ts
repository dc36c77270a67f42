import { parsePhoneNumberFromString } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { demoCompany } from "../../../src/sandbox/demo-company.js";

describe("the demo company", () => {
  const company = demoCompany("2026-11-20");

  it("has about 20 customers and 40 invoices, past due and upcoming", () => {
    expect(company.customers).toHaveLength(20);
    expect(company.invoices.length).toBeGreaterThanOrEqual(30);
    expect(company.invoices.some((invoice) => invoice.DueDate < "2026-11-20")).toBe(true);
    expect(company.invoices.some((invoice) => invoice.DueDate === "2026-11-20")).toBe(true);
    expect(company.invoices.some((invoice) => invoice.DueDate > "2026-11-20")).toBe(true);
  });

  it("speaks English and Spanish, has landlines and one Massachusetts number", () => {
    const spanish = company.customers.filter((customer) => customer.Notes === "lang:es");
    expect(spanish.length).toBeGreaterThanOrEqual(6);
    expect(spanish.length).toBeLessThan(company.customers.length);
    expect(company.landlines.length).toBeGreaterThanOrEqual(1);
    const massachusetts = company.customers.filter(
      (customer) => customer.BillAddr.CountrySubDivisionCode === "MA",
    );
    expect(massachusetts).toHaveLength(1);
  });

  it("gives every customer a valid, distinct US phone number", () => {
    const phones = company.customers.map(
      (customer) => customer.Mobile?.FreeFormNumber ?? customer.PrimaryPhone?.FreeFormNumber ?? "",
    );
    expect(new Set(phones).size).toBe(phones.length);
    for (const phone of phones) {
      expect(parsePhoneNumberFromString(phone)?.country, phone).toBe("US");
    }
  });

  it("links every invoice to a customer, with balances equal to totals and unique numbers", () => {
    const ids = new Set(company.customers.map((customer) => customer.Id));
    for (const invoice of company.invoices) {
      expect(ids.has(invoice.CustomerRef.value)).toBe(true);
      expect(invoice.Balance).toBe(invoice.TotalAmt);
      expect(invoice.Line.reduce((sum, line) => sum + line.Amount, 0)).toBe(invoice.TotalAmt);
    }
    expect(new Set(company.invoices.map((invoice) => invoice.DocNumber)).size).toBe(
      company.invoices.length,
    );
  });

  it("is the same company for the same date", () => {
    expect(demoCompany("2026-11-20")).toEqual(company);
  });
});
