import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuickBooksApi } from "../../../src/adapters/quickbooks/quickbooks-api.js";
import { QuickBooksConnections } from "../../../src/adapters/quickbooks/quickbooks-connections.js";
import { QuickBooksImportReader } from "../../../src/adapters/quickbooks/quickbooks-import-source.js";
import { QuickBooksOAuth } from "../../../src/adapters/quickbooks/quickbooks-oauth.js";
import { TokenCipher } from "../../../src/adapters/quickbooks/token-cipher.js";
import {
  type ImportProgress,
  importFromQuickBooks,
  syncQuickBooksChanges,
} from "../../../src/app/quickbooks-import.js";
import { companies, customers, invoices } from "../../../src/db/schema/index.js";
import { DrizzleProviderConnectionStore } from "../../../src/db/stores/provider-connection-store.js";
import { DrizzleQuickBooksImportStore } from "../../../src/db/stores/quickbooks-import-store.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";
import { consent, QBO, startQuickBooks } from "./quickbooks-kit.js";

// Initial import through the real SDK against the emulator, into a real database.

type Started = Awaited<ReturnType<typeof startQuickBooks>>;
const COMPANY = "co_import";

describe("QuickBooks initial import", () => {
  let database: TestDatabase;
  let qbo: Started;
  let deps: Parameters<typeof syncQuickBooksChanges>[0];

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(companies).values({ id: COMPANY, name: "Import Co" });
    qbo = await startQuickBooks();
    const logger = new MemoryLogger();
    const connections = new QuickBooksConnections({
      store: new DrizzleProviderConnectionStore(database.db),
      cipher: new TokenCipher(randomBytes(32)),
      oauth: new QuickBooksOAuth({
        clientId: QBO.clientId,
        clientSecret: QBO.clientSecret,
        redirectUri: QBO.redirectUri,
        environment: "sandbox",
        oauthBaseUrl: qbo.baseUrl,
      }),
      clock: qbo.clock,
      logger,
    });
    await connections.connect(COMPANY, await consent(qbo.baseUrl));
    const api = new QuickBooksApi({
      clientId: QBO.clientId,
      clientSecret: QBO.clientSecret,
      environment: "sandbox",
      apiBaseUrl: qbo.baseUrl,
      tokens: connections,
      logger,
    });
    deps = {
      source: new QuickBooksImportReader(api),
      store: new DrizzleQuickBooksImportStore(database.db),
      logger,
      now: () => qbo.clock.now(),
    };

    const people = Array.from({ length: 40 }, (_, index) =>
      qbo.emulator.createCustomer({
        DisplayName: `Customer ${index + 1}`,
        PrimaryEmailAddr: { Address: `c${index + 1}@example.com` },
        BillAddr: { CountrySubDivisionCode: index === 0 ? "MA" : "TX" },
        Mobile: { FreeFormNumber: `+1512555${String(index).padStart(4, "0")}` },
        ...(index === 0 ? { Notes: "Prefers texts. lang:es" } : {}),
      }),
    );
    for (let index = 0; index < 5_000; index += 1) {
      const customer = people[index % people.length];
      qbo.emulator.createInvoice({
        CustomerRef: { value: customer?.Id ?? "" },
        TotalAmt: 100 + (index % 7),
        DueDate: "2026-12-01",
      });
    }
    // A paid invoice is not part of the open set.
    const paid = qbo.emulator.createInvoice({ CustomerRef: { value: "1" }, TotalAmt: 30 });
    qbo.emulator.recordCheckPayment(paid.Id, 30);
  }, 120_000);

  afterAll(async () => {
    await qbo.close();
    await database.close();
  });

  it("imports 5,000 open invoices and their customers in at most 6 API calls", async () => {
    const progress: ImportProgress[] = [];
    const before = qbo.emulator.requests.length;
    const summary = await importFromQuickBooks(deps, COMPANY, (step) => progress.push(step));
    const calls = qbo.emulator.requests.slice(before);

    expect(summary).toEqual({ customers: 40, invoices: 5_000 });
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(calls.every((call) => call.status === 200)).toBe(true);

    const invoiceProgress = progress.filter((step) => step.phase === "invoices");
    expect(invoiceProgress.map((step) => step.done)).toEqual([
      0, 1_000, 2_000, 3_000, 4_000, 5_000,
    ]);
    expect(invoiceProgress.every((step) => step.total === 5_000)).toBe(true);

    const storedInvoices = await database.db
      .select({ id: invoices.id })
      .from(invoices)
      .where(eq(invoices.companyId, COMPANY));
    expect(storedInvoices).toHaveLength(5_000);
    const [first] = await database.db
      .select()
      .from(customers)
      .where(eq(customers.quickbooksId, "1"));
    expect(first).toMatchObject({
      displayName: "Customer 1",
      email: "c1@example.com",
      region: "MA",
      language: "es",
    });
  });

  it("is idempotent: a second run updates the same rows", async () => {
    qbo.emulator.recordCheckPayment("41", 50);
    const summary = await importFromQuickBooks(deps, COMPANY);
    expect(summary.invoices).toBe(5_000);
    const stored = await database.db
      .select({ quickbooksId: invoices.quickbooksId, balanceMinor: invoices.balanceMinor })
      .from(invoices)
      .where(eq(invoices.companyId, COMPANY));
    expect(stored).toHaveLength(5_000);
    expect(stored.find((row) => row.quickbooksId === "41")?.balanceMinor).toBe(5_000);
    const storedCustomers = await database.db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.companyId, COMPANY));
    expect(storedCustomers).toHaveLength(40);
  });

  it("applies Change Data Capture since a cursor: payments, edits, voids, new customers", async () => {
    qbo.clock.advance(60_000);
    const since = qbo.clock.now();
    qbo.clock.advance(60_000);
    qbo.emulator.recordCheckPayment("42", 101);
    qbo.emulator.patchInvoice("43", { DueDate: "2027-01-15" });
    qbo.emulator.voidInvoice("44");
    const newcomer = qbo.emulator.createCustomer({ DisplayName: "Newcomer" });
    qbo.emulator.createInvoice({
      CustomerRef: { value: newcomer.Id },
      TotalAmt: 77,
      DueDate: "2026-12-24",
    });

    const before = qbo.emulator.requests.length;
    const result = await syncQuickBooksChanges(deps, COMPANY, since);
    expect(qbo.emulator.requests.length - before).toBe(1);
    // The newcomer and the two customers whose balances moved (payment, void).
    expect(result).toMatchObject({ mode: "cdc", customers: 3, invoices: 4 });
    expect(result.nextSince.getTime()).toBeLessThan(qbo.clock.now().getTime());

    const rows = await database.db
      .select({
        quickbooksId: invoices.quickbooksId,
        status: invoices.status,
        balanceMinor: invoices.balanceMinor,
        dueDate: invoices.dueDate,
      })
      .from(invoices)
      .where(eq(invoices.companyId, COMPANY));
    const byId = new Map(rows.map((row) => [row.quickbooksId, row]));
    expect(byId.get("42")).toMatchObject({ status: "paid", balanceMinor: 0 });
    expect(byId.get("43")?.dueDate).toBe("2027-01-15");
    expect(byId.get("44")).toMatchObject({ status: "voided", balanceMinor: 0 });
    expect(rows).toHaveLength(5_001);
  });

  it("falls back to the full import when CDC would be truncated (1000 objects)", async () => {
    // Everything changed at the import's start time: more than CDC returns in one answer.
    const result = await syncQuickBooksChanges(deps, COMPANY, new Date("2026-11-20T14:59:00Z"));
    expect(result.mode).toBe("import");
    // 5,000 less the paid and the voided one, plus the newcomer's.
    expect(result.invoices).toBe(4_999);
  });

  it("falls back to the full import when there is no cursor or it is older than 30 days", async () => {
    const old = new Date(qbo.clock.now().getTime() - 31 * 86_400_000);
    const result = await syncQuickBooksChanges(deps, COMPANY, old);
    expect(result.mode).toBe("import");
    expect((await syncQuickBooksChanges(deps, COMPANY, null)).mode).toBe("import");
  });
});
