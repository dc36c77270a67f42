import { addDays, type LocalDate } from "../domain/calendar.js";

// The demo company the sandbox seeds (DESIGN §2): about 20 customers and 40 invoices,
// English and Spanish speakers across US time zones, past-due and upcoming invoices, some
// landlines and one Massachusetts number. Deterministic: the same date gives the same company.
// Records use QuickBooks field names, since they are loaded into the QuickBooks emulator.

export interface DemoCustomer {
  Id: string;
  DisplayName: string;
  GivenName: string;
  FamilyName: string;
  PrimaryEmailAddr: { Address: string };
  Mobile?: { FreeFormNumber: string };
  PrimaryPhone?: { FreeFormNumber: string };
  BillAddr: { City: string; CountrySubDivisionCode: string; PostalCode: string };
  /** `lang:es` marks a Spanish speaker, as admins do in QuickBooks. */
  Notes?: string;
}

export interface DemoInvoice {
  Id: string;
  DocNumber: string;
  CustomerRef: { value: string; name: string };
  TxnDate: LocalDate;
  DueDate: LocalDate;
  TotalAmt: number;
  Balance: number;
  CurrencyRef: { value: "USD" };
  Line: Array<{ Amount: number; Description: string; DetailType: "SalesItemLineDetail" }>;
}

export interface DemoCompany {
  companyName: string;
  timeZone: string;
  /** How customers reach billing: named in HELP answers and final notices. */
  contact: { phone: string; email: string };
  customers: DemoCustomer[];
  invoices: DemoInvoice[];
  /** Numbers the SMS emulator treats as landlines (no SMS; a staff task instead). */
  landlines: string[];
}

interface Person {
  given: string;
  family: string;
  spanish: boolean;
  /** Area code: it sets the time zone the quiet hours use when the address doesn't. */
  area: string;
  city: string;
  state: string;
  zip: string;
  landline?: boolean;
  business?: string;
}

const PEOPLE: Person[] = [
  {
    given: "Maria",
    family: "Gonzalez",
    spanish: true,
    area: "512",
    city: "Austin",
    state: "TX",
    zip: "78701",
  },
  {
    given: "James",
    family: "Carter",
    spanish: false,
    area: "212",
    city: "New York",
    state: "NY",
    zip: "10001",
  },
  {
    given: "Luis",
    family: "Hernandez",
    spanish: true,
    area: "305",
    city: "Miami",
    state: "FL",
    zip: "33101",
  },
  {
    given: "Emily",
    family: "Walsh",
    spanish: false,
    area: "617",
    city: "Boston",
    state: "MA",
    zip: "02108",
  },
  {
    given: "Ana",
    family: "Ramirez",
    spanish: true,
    area: "602",
    city: "Phoenix",
    state: "AZ",
    zip: "85001",
  },
  {
    given: "Robert",
    family: "Kim",
    spanish: false,
    area: "415",
    city: "San Francisco",
    state: "CA",
    zip: "94102",
    business: "Kim Family Dental",
  },
  {
    given: "Sofia",
    family: "Torres",
    spanish: true,
    area: "312",
    city: "Chicago",
    state: "IL",
    zip: "60601",
  },
  {
    given: "David",
    family: "Nguyen",
    spanish: false,
    area: "713",
    city: "Houston",
    state: "TX",
    zip: "77002",
  },
  {
    given: "Carmen",
    family: "Flores",
    spanish: true,
    area: "213",
    city: "Los Angeles",
    state: "CA",
    zip: "90012",
  },
  {
    given: "Michael",
    family: "Brown",
    spanish: false,
    area: "303",
    city: "Denver",
    state: "CO",
    zip: "80202",
    landline: true,
  },
  {
    given: "Jose",
    family: "Martinez",
    spanish: true,
    area: "210",
    city: "San Antonio",
    state: "TX",
    zip: "78205",
  },
  {
    given: "Sarah",
    family: "Johnson",
    spanish: false,
    area: "404",
    city: "Atlanta",
    state: "GA",
    zip: "30303",
    business: "Peachtree Bakery",
  },
  {
    given: "Diego",
    family: "Lopez",
    spanish: true,
    area: "702",
    city: "Las Vegas",
    state: "NV",
    zip: "89101",
  },
  {
    given: "Linda",
    family: "Davis",
    spanish: false,
    area: "206",
    city: "Seattle",
    state: "WA",
    zip: "98101",
  },
  {
    given: "Rosa",
    family: "Castillo",
    spanish: true,
    area: "915",
    city: "El Paso",
    state: "TX",
    zip: "79901",
    landline: true,
  },
  {
    given: "Kevin",
    family: "Miller",
    spanish: false,
    area: "907",
    city: "Anchorage",
    state: "AK",
    zip: "99501",
  },
  {
    given: "Elena",
    family: "Vargas",
    spanish: true,
    area: "808",
    city: "Honolulu",
    state: "HI",
    zip: "96813",
  },
  {
    given: "Thomas",
    family: "Wright",
    spanish: false,
    area: "615",
    city: "Nashville",
    state: "TN",
    zip: "37201",
    business: "Wright Landscaping",
  },
  {
    given: "Patricia",
    family: "Moore",
    spanish: false,
    area: "503",
    city: "Portland",
    state: "OR",
    zip: "97201",
  },
  {
    given: "Javier",
    family: "Ortiz",
    spanish: true,
    area: "480",
    city: "Mesa",
    state: "AZ",
    zip: "85201",
  },
];

/** Days from today each customer's invoices fall due: past due, due today, upcoming. */
const DUE_OFFSETS: number[][] = [
  [-10, 3],
  [-3],
  [-21, -7],
  [0, 10],
  [3],
  [-14, -35],
  [-1],
  [7, -7],
  [-3, 3],
  [-10],
  [-7, 14],
  [3, -21],
  [0],
  [-14],
  [-3, -10],
  [5],
  [-7],
  [-1, 21],
  [-30, 3],
  [-7, 0],
];

const ITEMS = [
  "Plumbing repair",
  "Water heater service",
  "Drain cleaning",
  "Annual maintenance",
  "Parts",
];

export function demoCompany(today: LocalDate): DemoCompany {
  const customers: DemoCustomer[] = [];
  const invoices: DemoInvoice[] = [];
  const landlines: string[] = [];
  let invoiceNumber = 1001;
  PEOPLE.forEach((person, index) => {
    const id = String(index + 1);
    const phone = `+1${person.area}55501${String(index).padStart(2, "0")}`;
    const displayName = person.business ?? `${person.given} ${person.family}`;
    customers.push({
      Id: id,
      DisplayName: displayName,
      GivenName: person.given,
      FamilyName: person.family,
      PrimaryEmailAddr: { Address: `${person.given}.${person.family}@example.com`.toLowerCase() },
      ...(person.landline
        ? { PrimaryPhone: { FreeFormNumber: phone } }
        : { Mobile: { FreeFormNumber: phone } }),
      BillAddr: { City: person.city, CountrySubDivisionCode: person.state, PostalCode: person.zip },
      ...(person.spanish ? { Notes: "lang:es" } : {}),
    });
    if (person.landline) {
      landlines.push(phone);
    }
    for (const [slot, offset] of (DUE_OFFSETS[index] ?? []).entries()) {
      // Amounts vary by customer and slot but are fixed for a given index: cents included.
      const amount =
        Math.round((120 + ((index * 37 + slot * 53) % 900) + ((index * 13) % 100) / 100) * 100) /
        100;
      const dueDate = addDays(today, offset);
      invoices.push({
        Id: String(100 + invoices.length + 1),
        DocNumber: String(invoiceNumber++),
        CustomerRef: { value: id, name: displayName },
        TxnDate: addDays(dueDate, -30),
        DueDate: dueDate,
        TotalAmt: amount,
        Balance: amount,
        CurrencyRef: { value: "USD" },
        Line: [
          {
            Amount: amount,
            Description: ITEMS[(index + slot) % ITEMS.length] ?? "Service",
            DetailType: "SalesItemLineDetail",
          },
        ],
      });
    }
  });
  return {
    companyName: "Acme Plumbing & Heating",
    timeZone: "America/Chicago",
    contact: { phone: "+15125550199", email: "billing@acmeplumbing.example" },
    customers,
    invoices,
    landlines,
  };
}
