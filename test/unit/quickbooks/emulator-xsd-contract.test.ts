import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { QuickBooksEmulator } from "../../../src/sandbox/emulators/quickbooks/quickbooks-emulator.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";

// The emulator may not invent fields: every property of every entity it serves, nested ones
// included, must be an element or attribute of that entity's type (or a base type) in Intuit's
// published XSDs, which sit beside the clone in ../shared/specs/quickbooks/.

const SPEC_FILES = ["Finance.xsd", "IntuitBaseTypes.xsd", "IntuitNamesTypes.xsd"];

interface XsdType {
  base: string | null;
  /** simpleContent types (ReferenceType, MemoRef) carry their text as `value` in JSON. */
  simple: boolean;
  fields: Map<string, string | null>;
}

function loadTypes(): Map<string, XsdType> {
  const types = new Map<string, XsdType>();
  for (const file of SPEC_FILES) {
    const text = readFileSync(
      new URL(`../../../../shared/specs/quickbooks/${file}`, import.meta.url),
      "utf8",
    );
    // A stack of the complexTypes we are inside; anonymous ones inherit the named owner.
    const stack: Array<XsdType | null> = [];
    for (const match of text.matchAll(
      /<(\/?)xs:(complexType|simpleContent|element|attribute|extension)\b([^>]*?)(\/?)>/g,
    )) {
      const [, closing, tag, attributes = "", selfClosing] = match;
      const name = /\bname="([^"]+)"/.exec(attributes)?.[1] ?? null;
      const current = stack.at(-1) ?? null;
      if (tag === "complexType") {
        if (closing) {
          stack.pop();
        } else if (!selfClosing) {
          if (name) {
            const type: XsdType = { base: null, simple: false, fields: new Map() };
            types.set(name, type);
            stack.push(type);
          } else {
            stack.push(current);
          }
        }
      } else if (tag === "simpleContent" && !closing && current) {
        current.simple = true;
      } else if (tag === "extension" && !closing && current) {
        current.base = (/\bbase="([^"]+)"/.exec(attributes)?.[1] ?? "").replace(/^\w+:/, "");
      } else if ((tag === "element" || tag === "attribute") && !closing && current && name) {
        const type = /\btype="([^"]+)"/.exec(attributes)?.[1] ?? null;
        current.fields.set(
          name,
          type?.startsWith("xs:") ? null : (type?.replace(/^\w+:/, "") ?? null),
        );
      }
    }
  }
  return types;
}

function fieldType(types: Map<string, XsdType>, typeName: string, field: string) {
  for (let type = types.get(typeName); type; type = type.base ? types.get(type.base) : undefined) {
    if (field === "value" && type.simple) {
      return { found: true, type: null };
    }
    if (type.fields.has(field)) {
      return { found: true, type: type.fields.get(field) ?? null };
    }
  }
  return { found: false, type: null };
}

function unknownFields(
  types: Map<string, XsdType>,
  typeName: string,
  value: unknown,
  path: string,
): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      unknownFields(types, typeName, item, `${path}[${index}]`),
    );
  }
  if (typeof value !== "object" || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, child]) => {
    const { found, type } = fieldType(types, typeName, key);
    if (!found) {
      return [`${path}.${key} (not in ${typeName})`];
    }
    return type && types.has(type) ? unknownFields(types, type, child, `${path}.${key}`) : [];
  });
}

describe("QuickBooks emulator entities against the XSDs", () => {
  const types = loadTypes();

  it("reads the XSDs (sanity: Invoice extends SalesTransaction and has a Balance)", () => {
    expect(types.get("Invoice")?.base).toBe("SalesTransaction");
    expect(fieldType(types, "Invoice", "Balance").found).toBe(true);
    expect(fieldType(types, "Invoice", "Id").found).toBe(true);
    expect(fieldType(types, "Invoice", "AmountDue").found).toBe(false);
  });

  it("serves customers, invoices and payments with field names that exist in the XSDs", () => {
    const emulator = new QuickBooksEmulator(
      {
        clock: new FakeClock(new Date("2026-11-20T15:00:00Z")),
        logger: new MemoryLogger(),
        appBaseUrl: "http://127.0.0.1:9",
        selfBaseUrl: () => "http://127.0.0.1:9",
      },
      {
        clientId: "c",
        clientSecret: "s",
        webhookVerifierToken: "t",
        realmId: "1",
        webhooks: false,
      },
    );
    const customer = emulator.createCustomer({
      DisplayName: "Ana Gómez",
      GivenName: "Ana",
      FamilyName: "Gómez",
      CompanyName: "Gómez Landscaping",
      PrimaryPhone: { FreeFormNumber: "+15125550101" },
      Mobile: { FreeFormNumber: "+15125550102" },
      PrimaryEmailAddr: { Address: "ana@example.com" },
      BillAddr: {
        Line1: "1 Main St",
        City: "Austin",
        CountrySubDivisionCode: "TX",
        PostalCode: "78701",
      },
      Notes: "prefers Spanish",
    });
    const invoice = emulator.createInvoice({
      CustomerRef: { value: customer.Id },
      TotalAmt: 100,
      DueDate: "2026-12-01",
      BillEmail: { Address: "ana@example.com" },
      CustomerMemo: { value: "Thanks" },
      PrivateNote: "internal",
    });
    emulator.recordCheckPayment(invoice.Id, 40);
    const state = emulator.snapshot();
    const problems = [
      ...state.customers.flatMap((row) => unknownFields(types, "Customer", row, "Customer")),
      ...state.invoices.flatMap((row) => unknownFields(types, "Invoice", row, "Invoice")),
      ...state.payments.flatMap((row) => unknownFields(types, "Payment", row, "Payment")),
    ];
    expect(problems).toEqual([]);
    // And the check is not vacuous: an invented field is caught.
    expect(unknownFields(types, "Invoice", { AmountDue: 1 }, "Invoice")).toHaveLength(1);
    expect(unknownFields(types, "Invoice", { CustomerRef: { bogus: 1 } }, "Invoice")).toHaveLength(
      1,
    );
  });
});
