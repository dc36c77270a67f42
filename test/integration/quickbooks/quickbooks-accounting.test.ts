import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QuickBooksAccounting } from "../../../src/adapters/quickbooks/quickbooks-accounting.js";
import { QuickBooksApi } from "../../../src/adapters/quickbooks/quickbooks-api.js";
import { QuickBooksConnections } from "../../../src/adapters/quickbooks/quickbooks-connections.js";
import { QuickBooksOAuth } from "../../../src/adapters/quickbooks/quickbooks-oauth.js";
import { TokenCipher } from "../../../src/adapters/quickbooks/token-cipher.js";
import { companies } from "../../../src/db/schema/index.js";
import { DrizzleProviderConnectionStore } from "../../../src/db/stores/provider-connection-store.js";
import { AppError } from "../../../src/domain/errors.js";
import { accountingContract } from "../../contracts/provider-ports.contract.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";
import { consent, QBO, startQuickBooks } from "./quickbooks-kit.js";

// The real adapter (node-quickbooks + intuit-oauth) against the emulator over loopback, with
// tokens encrypted in a real database: retries, the 401 refresh, and racing refreshers.

type Started = Awaited<ReturnType<typeof startQuickBooks>>;

const COMPANY = "co_test";

describe("QuickBooks adapter against the emulator", () => {
  let database: TestDatabase;
  let qbo: Started;
  let store: DrizzleProviderConnectionStore;
  let cipher: TokenCipher;
  let connections: QuickBooksConnections;
  let sleeps: number[];
  let logger: MemoryLogger;

  function adapter(retry: { maxAttempts?: number } = {}) {
    const api = new QuickBooksApi({
      clientId: QBO.clientId,
      clientSecret: QBO.clientSecret,
      environment: "sandbox",
      apiBaseUrl: qbo.baseUrl,
      tokens: connections,
      logger,
      retry: { baseDelayMs: 100, throttleBaseDelayMs: 1_000, ...retry },
      // Backoff delays are recorded instead of waited: the test asserts on them, not on time.
      timing: { sleep: async (ms) => void sleeps.push(ms) },
      random: () => 0.5,
    });
    return new QuickBooksAccounting(api);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(companies).values({ id: COMPANY, name: "Test Co" });
    // Strict rotation: a superseded refresh token fails at once, so a refresher that spent
    // a stale one would surface as invalid_grant instead of hiding inside the 24 h grace.
    qbo = await startQuickBooks({ config: { tokenRules: { oldRefreshGraceSeconds: 0 } } });
    store = new DrizzleProviderConnectionStore(database.db);
    cipher = new TokenCipher(randomBytes(32));
    logger = new MemoryLogger();
    connections = new QuickBooksConnections({
      store,
      cipher,
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
  });

  afterAll(async () => {
    await qbo.close();
    await database.close();
  });

  beforeEach(async () => {
    sleeps = [];
    qbo.emulator.reset();
    await connections.connect(COMPANY, await consent(qbo.baseUrl));
    const customer = qbo.emulator.createCustomer({ DisplayName: "Ana Gómez" });
    qbo.emulator.createInvoice({
      CustomerRef: { value: customer.Id },
      TotalAmt: 250,
      DueDate: "2026-11-01",
    });
  });

  describe("Accounting contract", () => {
    accountingContract(async () => ({ accounting: adapter(), invoiceId: "2" }));
  });

  it("stores the tokens encrypted, never in clear", async () => {
    const row = await store.find(COMPANY, "quickbooks");
    expect(row?.status).toBe("connected");
    expect(row?.externalAccountId).toBe(QBO.realmId);
    const tokens = cipher.decrypt(row?.encryptedTokens ?? "");
    expect(row?.encryptedTokens).not.toContain(tokens.accessToken);
    expect(row?.encryptedTokens).not.toContain(tokens.refreshToken);
  });

  it("reads invoices in one query per 1000 ids, with their facts in minor units", async () => {
    for (let index = 0; index < 1_100; index += 1) {
      qbo.emulator.createInvoice({
        CustomerRef: { value: "1" },
        TotalAmt: 10.25,
        DueDate: "2026-12-01",
      });
    }
    const ids = Array.from({ length: 1_101 }, (_, index) => String(index + 2));
    const before = qbo.emulator.requests.length;
    const facts = await adapter().readInvoices(COMPANY, ids);
    expect(facts).toHaveLength(1_101);
    expect(qbo.emulator.requests.length - before).toBe(2);
    expect(facts[1]).toEqual({
      quickbooksId: "3",
      docNumber: "1002",
      currency: "USD",
      totalMinor: 1025,
      balanceMinor: 1025,
      dueDate: "2026-12-01",
      voided: false,
    });
  });

  it("retries a 429 (XML) and a 503 with growing, jittered backoff, then succeeds", async () => {
    qbo.emulator.injectFault(503);
    qbo.emulator.injectFault(429);
    const before = qbo.emulator.requests.length;
    const facts = await adapter().readInvoices(COMPANY, ["2"]);
    expect(facts.map((fact) => fact.balanceMinor)).toEqual([25_000]);
    expect(qbo.emulator.requests.slice(before).map((request) => request.status)).toEqual([
      503, 429, 200,
    ]);
    // 503: half of 100 ms + jitter; 429: from the throttle floor, second step (2 × 1000 ms).
    expect(sleeps).toEqual([75, 1_500]);
  });

  it("gives up after maxAttempts on 503 with a retryable error", async () => {
    qbo.emulator.injectFault(503, 3);
    const error = await adapter({ maxAttempts: 3 })
      .readInvoices(COMPANY, ["2"])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", retryable: true });
    expect(sleeps).toHaveLength(2);
  });

  it("does not retry a 400 and reports it as not retryable", async () => {
    qbo.emulator.injectFault(400);
    const before = qbo.emulator.requests.length;
    const error = await adapter()
      .recordPayment({
        companyId: COMPANY,
        customerQuickbooksId: "1",
        amountMinor: 1_000,
        currency: "USD",
        applications: [{ invoiceQuickbooksId: "2", amountMinor: 1_000 }],
        memo: "Stripe pi_x",
        requestId: "req-400",
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "PROVIDER_REJECTED", retryable: false });
    expect(qbo.emulator.requests.length - before).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("answers a 401 with exactly one refresh and one retry", async () => {
    // The stored expiry says the token is fine; QuickBooks says otherwise (e.g. revoked early).
    qbo.emulator.tokens.expireAccessTokens();
    const refreshesBefore = qbo.emulator.tokens.refreshCount;
    const before = qbo.emulator.requests.length;
    const facts = await adapter().readInvoices(COMPANY, ["2"]);
    expect(facts).toHaveLength(1);
    expect(qbo.emulator.tokens.refreshCount - refreshesBefore).toBe(1);
    expect(qbo.emulator.requests.slice(before).map((request) => request.status)).toEqual([
      401, 200,
    ]);
  });

  it("stops after one refresh when QuickBooks keeps answering 401", async () => {
    qbo.emulator.injectFault(401, 2);
    const refreshesBefore = qbo.emulator.tokens.refreshCount;
    const before = qbo.emulator.requests.length;
    const error = await adapter()
      .readInvoices(COMPANY, ["2"])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "PROVIDER_REJECTED", retryable: false });
    expect(qbo.emulator.tokens.refreshCount - refreshesBefore).toBe(1);
    expect(qbo.emulator.requests.length - before).toBe(2);
  });

  it("serializes racing refreshers: one refresh, newest token stored, no invalid_grant", async () => {
    // Both callers find the access token expired and race to refresh the same grant.
    qbo.clock.advance(2 * 3_600_000);
    const refreshesBefore = qbo.emulator.tokens.refreshCount;
    const [first, second] = await Promise.all([
      connections.credentials(COMPANY),
      connections.credentials(COMPANY),
    ]);
    expect(second.accessToken).toBe(first.accessToken);
    expect(qbo.emulator.tokens.refreshCount - refreshesBefore).toBe(1);
    const row = await store.find(COMPANY, "quickbooks");
    expect(row?.status).toBe("connected");
    const stored = cipher.decrypt(row?.encryptedTokens ?? "");
    expect(stored.accessToken).toBe(first.accessToken);
    // The stored refresh token is the newest: spending it works (strict rotation is on).
    expect(qbo.emulator.tokens.refreshWith(stored.refreshToken)).toMatchObject({
      token_type: "bearer",
    });
  });

  it("racing reads through the adapter after expiry both succeed on one refresh", async () => {
    qbo.clock.advance(2 * 3_600_000);
    const refreshesBefore = qbo.emulator.tokens.refreshCount;
    const accounting = adapter();
    const [a, b] = await Promise.all([
      accounting.readInvoices(COMPANY, ["2"]),
      accounting.readInvoices(COMPANY, ["2"]),
    ]);
    expect([a.length, b.length]).toEqual([1, 1]);
    expect(qbo.emulator.tokens.refreshCount - refreshesBefore).toBe(1);
  });

  it("marks the connection reconnect_needed when the refresh token is refused for good", async () => {
    const row = await store.find(COMPANY, "quickbooks");
    qbo.emulator.tokens.revoke(cipher.decrypt(row?.encryptedTokens ?? "").refreshToken);
    qbo.clock.advance(2 * 3_600_000);
    const error = await adapter()
      .readInvoices(COMPANY, ["2"])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "PROVIDER_NOT_CONFIGURED", retryable: false });
    expect(await connections.status(COMPANY)).toBe("reconnect_needed");
    expect(logger.lines.some((line) => line.message.includes("reconnect needed"))).toBe(true);
  });

  it("streams the invoice PDF through the adapter", async () => {
    const pdf = await adapter().invoicePdf(COMPANY, "2");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("heartbeat refreshes the grant and records when", async () => {
    const before = await store.find(COMPANY, "quickbooks");
    const refreshesBefore = qbo.emulator.tokens.refreshCount;
    qbo.clock.advance(60_000);
    await connections.heartbeat(COMPANY);
    const after = await store.find(COMPANY, "quickbooks");
    expect(qbo.emulator.tokens.refreshCount - refreshesBefore).toBe(1);
    expect(after?.lastHeartbeatAt?.toISOString()).toBe(qbo.clock.now().toISOString());
    expect(cipher.decrypt(after?.encryptedTokens ?? "").refreshToken).not.toBe(
      cipher.decrypt(before?.encryptedTokens ?? "").refreshToken,
    );
  });

  it("treats a refused connection as retryable and backs off", async () => {
    const closed = await startQuickBooks();
    const deadBaseUrl = closed.baseUrl;
    await closed.close();
    const api = new QuickBooksApi({
      clientId: QBO.clientId,
      clientSecret: QBO.clientSecret,
      environment: "sandbox",
      apiBaseUrl: deadBaseUrl,
      tokens: connections,
      logger,
      retry: { maxAttempts: 3, baseDelayMs: 100 },
      timing: { sleep: async (ms) => void sleeps.push(ms) },
      random: () => 0,
    });
    const error = await new QuickBooksAccounting(api)
      .readInvoices(COMPANY, ["2"])
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", retryable: true });
    expect(sleeps).toEqual([50, 100]);
    // The error names the failure, never the bearer token.
    const tokens = cipher.decrypt((await store.find(COMPANY, "quickbooks"))?.encryptedTokens ?? "");
    expect(JSON.stringify(error)).not.toContain(tokens.accessToken);
    expect(String((error as Error).message)).not.toContain(tokens.accessToken);
  });

  it("disconnect revokes the grant at QuickBooks and forgets the tokens", async () => {
    const row = await store.find(COMPANY, "quickbooks");
    const { refreshToken } = cipher.decrypt(row?.encryptedTokens ?? "");
    await connections.disconnect(COMPANY);
    expect(qbo.emulator.tokens.refreshWith(refreshToken)).toBe("invalid_grant");
    const after = await store.find(COMPANY, "quickbooks");
    expect(after).toMatchObject({ status: "disconnected", encryptedTokens: null });
    await expect(connections.credentials(COMPANY)).rejects.toMatchObject({
      code: "PROVIDER_NOT_CONFIGURED",
    });
  });
});
