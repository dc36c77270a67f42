import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuickBooksApi } from "../../../src/adapters/quickbooks/quickbooks-api.js";
import { QuickBooksConnections } from "../../../src/adapters/quickbooks/quickbooks-connections.js";
import { QuickBooksImportReader } from "../../../src/adapters/quickbooks/quickbooks-import-source.js";
import { QuickBooksOAuth } from "../../../src/adapters/quickbooks/quickbooks-oauth.js";
import { TokenCipher } from "../../../src/adapters/quickbooks/token-cipher.js";
import { type ImportProgress, importFromQuickBooks } from "../../../src/app/quickbooks-import.js";
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
  let deps: Parameters<typeof importFromQuickBooks>[0];

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
    };

    const people = Array.from({ length: 40 }, (_, index) =>
      qbo.emulator.createCustomer({
        DisplayName: `Customer ${index + 1}`,
        PrimaryEmailAddr: { Address: `c${index + 1}@example.com` },
        BillAddr: { CountrySubDivisionCode: index === 0 ? "MA" : "TX" },
        Mobile: { FreeFormNumber: `+1512555${String(index).padStart(4, "0")}` },
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
});
