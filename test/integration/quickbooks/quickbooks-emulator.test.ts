import { createHmac } from "node:crypto";
import Fastify from "fastify";
import type { BatchItemRequest } from "node-quickbooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  consent,
  failure,
  oauthClient,
  QBO,
  sdk,
  startQuickBooks,
} from "./quickbooks-kit.js";

// The emulator as the real SDKs see it over loopback: node-quickbooks for the v3 API and
// intuit-oauth for the token endpoint, with the wire shapes of reference §A.

type Started = Awaited<ReturnType<typeof startQuickBooks>>;

interface Invoice {
  Id: string;
  Balance: number;
  TotalAmt: number;
  SyncToken: string;
  LinkedTxn: Array<{ TxnId: string; TxnType: string }>;
}

describe("QuickBooks emulator through node-quickbooks and intuit-oauth", () => {
  let qbo: Started;
  let accessToken: string;
  let refreshToken: string;

  beforeAll(async () => {
    qbo = await startQuickBooks();
    const client = oauthClient(qbo.baseUrl);
    const callbackUrl = await consent(qbo.baseUrl);
    expect(new URL(callbackUrl).searchParams.get("realmId")).toBe(QBO.realmId);
    expect(new URL(callbackUrl).searchParams.get("state")).toBe("st-1");
    const response = await client.createToken(callbackUrl);
    accessToken = response.json.access_token;
    refreshToken = response.json.refresh_token;
    expect(response.json.x_refresh_token_expires_in).toBe(8_726_400);
  });

  afterAll(() => qbo.close());

  beforeEach(() => {
    // Tests move the shared clock past the access token's hour: each starts with a fresh grant.
    accessToken = qbo.emulator.tokens.grant(QBO.realmId).access_token;
    qbo.emulator.reset();
    const ana = qbo.emulator.createCustomer({
      DisplayName: "Ana Gómez",
      PrimaryPhone: { FreeFormNumber: "+15125550101" },
    });
    const bob = qbo.emulator.createCustomer({ DisplayName: "Bob Stone" });
    qbo.emulator.createInvoice({
      CustomerRef: { value: ana.Id },
      TotalAmt: 120.5,
      DueDate: "2026-11-01",
    });
    qbo.emulator.createInvoice({
      CustomerRef: { value: ana.Id },
      TotalAmt: 80,
      DueDate: "2026-12-01",
    });
    qbo.emulator.createInvoice({
      CustomerRef: { value: bob.Id },
      TotalAmt: 40,
      DueDate: "2026-12-05",
    });
  });

  it("answers Id IN queries, Balance filters and COUNT like the service", async () => {
    const client = sdk(qbo.baseUrl, accessToken);
    const byId = await call<{ QueryResponse: { Invoice?: Invoice[]; maxResults?: number } }>((cb) =>
      client.findInvoices([{ field: "Id", value: ["3", "4", "999"], operator: "IN" }], cb),
    );
    expect(byId.QueryResponse.Invoice?.map((invoice) => invoice.Id)).toEqual(["3", "4"]);
    expect(byId.QueryResponse.maxResults).toBe(2);

    qbo.emulator.recordCheckPayment("3", 120.5);
    const open = await call<{ QueryResponse: { Invoice?: Invoice[] } }>((cb) =>
      client.findInvoices([{ field: "Balance", value: "0", operator: ">" }], cb),
    );
    expect(open.QueryResponse.Invoice?.map((invoice) => invoice.Id)).toEqual(["4", "5"]);

    const counted = await call<{ QueryResponse: { totalCount: number } }>((cb) =>
      client.findInvoices({ count: true }, cb),
    );
    expect(counted.QueryResponse.totalCount).toBe(3);

    const none = await call<{ QueryResponse: Record<string, unknown> }>((cb) =>
      client.findCustomers({ DisplayName: "O'Neil" }, cb),
    );
    expect(none.QueryResponse).toEqual({});
  });

  it("pages with STARTPOSITION/MAXRESULTS and filters on MetaData.LastUpdatedTime", async () => {
    const client = sdk(qbo.baseUrl, accessToken);
    const page = await call<{ QueryResponse: { Invoice?: Invoice[]; startPosition: number } }>(
      (cb) =>
        client.findInvoices(
          [
            { field: "limit", value: 2 },
            { field: "offset", value: 2 },
          ],
          cb,
        ),
    );
    expect(page.QueryResponse.Invoice?.map((invoice) => invoice.Id)).toEqual(["4", "5"]);
    expect(page.QueryResponse.startPosition).toBe(2);

    qbo.clock.advance(60_000);
    qbo.emulator.patchInvoice("5", { DueDate: "2026-12-20" });
    const changed = await call<{ QueryResponse: { Invoice?: Invoice[] } }>((cb) =>
      client.findInvoices(
        [{ field: "MetaData.LastUpdatedTime", value: "2026-11-20T15:00:30+00:00", operator: ">" }],
        cb,
      ),
    );
    expect(changed.QueryResponse.Invoice?.map((invoice) => invoice.Id)).toEqual(["5"]);
  });

  it("reads one entity, unwrapped by the SDK", async () => {
    const invoice = await call<Invoice & { CustomerRef: { value: string } }>((cb) =>
      sdk(qbo.baseUrl, accessToken).getInvoice("3", cb),
    );
    expect(invoice).toMatchObject({ Id: "3", TotalAmt: 120.5, Balance: 120.5, SyncToken: "0" });
    expect(invoice.CustomerRef.value).toBe("1");
  });

  it("applies a Payment to its invoices once per requestid", async () => {
    const client = sdk(qbo.baseUrl, accessToken);
    const payment = () => ({
      CustomerRef: { value: "1" },
      TotalAmt: 50,
      Line: [{ Amount: 50, LinkedTxn: [{ TxnId: "3", TxnType: "Invoice" }] }],
      PrivateNote: "Stripe pi_1",
      requestId: "req-abc",
    });
    const first = await call<{ Id: string }>((cb) => client.createPayment(payment(), cb));
    const again = await call<{ Id: string }>((cb) => client.createPayment(payment(), cb));
    expect(again.Id).toBe(first.Id);
    const invoice = await call<Invoice>((cb) => client.getInvoice("3", cb));
    expect(invoice.Balance).toBe(70.5);
    expect(invoice.SyncToken).toBe("1");
    expect(invoice.LinkedTxn).toEqual([{ TxnId: first.Id, TxnType: "Payment" }]);
    expect(qbo.emulator.snapshot().payments).toHaveLength(1);
  });

  it("rejects a payment larger than the open balance with a 400 ValidationFault", async () => {
    const error = await failure(
      call((cb) =>
        sdk(qbo.baseUrl, accessToken).createPayment(
          {
            CustomerRef: { value: "1" },
            TotalAmt: 500,
            Line: [{ Amount: 500, LinkedTxn: [{ TxnId: "3", TxnType: "Invoice" }] }],
          },
          cb,
        ),
      ),
    );
    expect(error.response?.status).toBe(400);
    expect(error.response?.data).toMatchObject({
      Fault: { type: "ValidationFault", Error: [{ code: "6000" }] },
    });
  });

  it("serves the invoice PDF", async () => {
    const pdf = await call<Buffer>((cb) => sdk(qbo.baseUrl, accessToken).getInvoicePdf("3", cb));
    expect(Buffer.isBuffer(pdf)).toBe(true);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.toString("latin1")).toContain("%%EOF");
  });

  it("reports changes through Change Data Capture", async () => {
    qbo.clock.advance(600_000);
    const since = qbo.clock.now();
    qbo.clock.advance(1_000);
    qbo.emulator.recordCheckPayment("4", 10);
    const cdc = await call<{
      CDCResponse: Array<{ QueryResponse: Array<Record<string, unknown>> }>;
    }>((cb) => sdk(qbo.baseUrl, accessToken).changeDataCapture(["Invoice", "Payment"], since, cb));
    const [invoices, payments] = cdc.CDCResponse[0]?.QueryResponse ?? [];
    expect(((invoices?.Invoice ?? []) as Invoice[]).map((invoice) => invoice.Id)).toEqual(["4"]);
    expect(payments?.Payment).toHaveLength(1);
  });

  it("runs batches of queries and creates, each item answered under its bId", async () => {
    const result = await call<{ BatchItemResponse: Array<Record<string, unknown>> }>((cb) =>
      sdk(qbo.baseUrl, accessToken).batch(
        // Query items carry no `operation` on the wire; the SDK's d.ts demands one.
        [
          { bId: "q1", Query: "select * from Invoice where Id = '5'" },
          { bId: "c1", operation: "create", Customer: { DisplayName: "Carla Ruiz" } },
          { bId: "bad", Query: "select * from Invoice where Id > '1'" },
        ] as unknown as BatchItemRequest[],
        cb,
      ),
    );
    const [query, created, bad] = result.BatchItemResponse;
    expect(query).toMatchObject({ bId: "q1", QueryResponse: { Invoice: [{ Id: "5" }] } });
    expect(created).toMatchObject({ bId: "c1", Customer: { DisplayName: "Carla Ruiz" } });
    expect(bad).toMatchObject({ bId: "bad", Fault: { type: "ValidationFault" } });
  });

  it("answers 401 with the lower-case AUTHENTICATION fault and 429 in XML", async () => {
    const unauthorized = await failure(
      call((cb) => sdk(qbo.baseUrl, "not-a-token").getInvoice("3", cb)),
    );
    expect(unauthorized.response?.status).toBe(401);
    expect(unauthorized.response?.data).toMatchObject({
      fault: { type: "AUTHENTICATION", error: [{ code: "3200" }] },
    });

    qbo.emulator.injectFault(429);
    const throttled = await failure(
      call((cb) => sdk(qbo.baseUrl, accessToken).getInvoice("3", cb)),
    );
    expect(throttled.response?.status).toBe(429);
    expect(String(throttled.response?.data)).toContain('<Error code="3001">');

    qbo.emulator.injectFault(503);
    const down = await failure(call((cb) => sdk(qbo.baseUrl, accessToken).getInvoice("3", cb)));
    expect(down.response?.status).toBe(503);
    // The queue held one fault each: the next request goes through.
    await expect(
      call((cb) => sdk(qbo.baseUrl, accessToken).getInvoice("3", cb)),
    ).resolves.toBeTruthy();
  });

  it("rejects queries the language does not allow", async () => {
    const error = await failure(
      call((cb) =>
        sdk(qbo.baseUrl, accessToken).findInvoices(
          [{ field: "Id", value: "1", operator: ">" }],
          cb,
        ),
      ),
    );
    expect(error.response?.status).toBe(400);
    expect(error.response?.data).toMatchObject({ Fault: { Error: [{ code: "4001" }] } });
  });

  it("rotates refresh tokens, honours the 24 h grace, and revokes", async () => {
    const client = oauthClient(qbo.baseUrl);
    const rotated = await client.refreshUsingToken(refreshToken);
    expect(rotated.json.refresh_token).not.toBe(refreshToken);
    // Within the grace the superseded token still works…
    const graced = await client.refreshUsingToken(refreshToken);
    expect(graced.json.access_token).toBeTruthy();
    // …and after 24 h it is invalid_grant.
    qbo.clock.advance(24 * 3_600_000 + 1_000);
    await expect(client.refreshUsingToken(refreshToken)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    const latest: string = graced.json.refresh_token;
    await client.revoke({ refresh_token: latest });
    await expect(client.refreshUsingToken(latest)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    // Revoking killed the grant's access token too: later tests get a fresh grant.
    accessToken = qbo.emulator.tokens.grant(QBO.realmId).access_token;
  });
});

describe("QuickBooks emulator limits and webhooks", () => {
  it("throttles a realm past its per-minute budget with the XML 429", async () => {
    const qbo = await startQuickBooks({ config: { rateLimit: { perMinute: 3, concurrent: 10 } } });
    try {
      const { access_token } = qbo.emulator.tokens.grant(QBO.realmId);
      const client = sdk(qbo.baseUrl, access_token);
      for (let index = 0; index < 3; index += 1) {
        await call((cb) => client.findCustomers({}, cb));
      }
      const throttled = await failure(call((cb) => client.findCustomers({}, cb)));
      expect(throttled.response?.status).toBe(429);
      expect(String(throttled.response?.data)).toContain("ThrottleExceeded");
    } finally {
      await qbo.close();
    }
  });

  it("posts CloudEvents signed with intuit-signature to the app", async () => {
    const received: Array<{ body: string; signature: string }> = [];
    const app = Fastify();
    app.addContentTypeParser("application/json", { parseAs: "string" }, (_r, body, done) =>
      done(null, body),
    );
    app.post("/webhooks/quickbooks", async (request) => {
      received.push({
        body: String(request.body),
        signature: String(request.headers["intuit-signature"]),
      });
      return { ok: true };
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const qbo = await startQuickBooks({ appBaseUrl: `http://127.0.0.1:${port}` });
    try {
      const customer = qbo.emulator.createCustomer({ DisplayName: "Dora" });
      const invoice = qbo.emulator.createInvoice({
        CustomerRef: { value: customer.Id },
        TotalAmt: 10,
      });
      await qbo.emulator.idle();
      received.length = 0;
      const payment = qbo.emulator.recordCheckPayment(invoice.Id, 10);
      await qbo.emulator.idle();
      const events = received.flatMap((delivery) => {
        const expected = createHmac("sha256", QBO.webhookVerifierToken)
          .update(delivery.body)
          .digest("base64");
        expect(delivery.signature).toBe(expected);
        return JSON.parse(delivery.body) as Array<Record<string, string>>;
      });
      expect(events.map((event) => [event.type, event.intuitentityid])).toEqual([
        ["qbo.payment.created.v1", payment.Id],
        ["qbo.invoice.updated.v1", invoice.Id],
      ]);
      expect(events[0]).toMatchObject({ specversion: "1.0", intuitaccountid: QBO.realmId });
    } finally {
      await qbo.close();
      await app.close();
    }
  });

  it("counts each batch item against the per-minute budget", async () => {
    const qbo = await startQuickBooks({ config: { rateLimit: { perMinute: 3, concurrent: 10 } } });
    try {
      const { access_token } = qbo.emulator.tokens.grant(QBO.realmId);
      const client = sdk(qbo.baseUrl, access_token);
      const query = (bId: string) => ({ bId, Query: "select * from Customer" });
      await call((cb) =>
        client.batch([query("a"), query("b"), query("c")] as unknown as BatchItemRequest[], cb),
      );
      const throttled = await failure(call((cb) => client.findCustomers({}, cb)));
      expect(throttled.response?.status).toBe(429);
    } finally {
      await qbo.close();
    }
  });

  it("redelivers a webhook the app did not accept, when retries are configured", async () => {
    const statuses = [500, 200];
    let deliveries = 0;
    const app = Fastify();
    app.post("/webhooks/quickbooks", async (_request, reply) => {
      deliveries += 1;
      return reply.status(statuses.shift() ?? 200).send({});
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const qbo = await startQuickBooks({
      appBaseUrl: `http://127.0.0.1:${port}`,
      config: { webhookRetryDelaysMs: [0] },
    });
    try {
      qbo.emulator.createCustomer({ DisplayName: "Fay" });
      await qbo.emulator.idle();
      expect(deliveries).toBe(2);
      expect(qbo.logger.lines.filter((line) => line.level === "warn")).toEqual([]);
    } finally {
      await qbo.close();
      await app.close();
    }
  });
});
