import { createHmac } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QuickBooksWebhookVerifier } from "../../../src/adapters/quickbooks/quickbooks-webhook-verifier.js";
import type { NewInboundEvent } from "../../../src/app/ports.js";
import { quickbooksWebhookRoutes } from "../../../src/http/routes/webhooks-quickbooks.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { QBO, startQuickBooks } from "./quickbooks-kit.js";

const TOKEN = "qbo-verifier-token";
const sign = (body: string, token = TOKEN) =>
  createHmac("sha256", token).update(body).digest("base64");

const events = JSON.stringify([
  {
    specversion: "1.0",
    id: "evt-1",
    source: "intuit.abc",
    type: "qbo.payment.created.v1",
    datacontenttype: "application/json",
    time: "2026-11-20T15:00:00.000Z",
    intuitentityid: "42",
    intuitaccountid: "9130357766",
    data: {},
  },
  {
    specversion: "1.0",
    id: "evt-2",
    source: "intuit.abc",
    type: "qbo.invoice.updated.v1",
    datacontenttype: "application/json",
    time: "2026-11-20T15:00:00.000Z",
    intuitentityid: "7",
    intuitaccountid: "9130357766",
    data: {},
  },
]);

describe("POST /webhooks/quickbooks", () => {
  let app: FastifyInstance;
  let received: Array<Omit<NewInboundEvent, "receivedAt">>;
  let logger: MemoryLogger;

  beforeEach(async () => {
    received = [];
    logger = new MemoryLogger();
    app = Fastify({ logger: false });
    await app.register(
      quickbooksWebhookRoutes({
        verifier: new QuickBooksWebhookVerifier(TOKEN),
        receive: async (event) => {
          received.push(event);
        },
        publicBaseUrl: "https://duetext.example",
        clock: new FakeClock(new Date("2026-11-20T15:00:00Z")),
        logger,
      }),
    );
  });

  afterEach(() => app.close());

  const post = (body: string, signature: string | null, contentType = "application/json") =>
    app.inject({
      method: "POST",
      url: "/webhooks/quickbooks",
      headers: {
        "content-type": contentType,
        ...(signature === null ? {} : { "intuit-signature": signature }),
      },
      payload: body,
    });

  it("accepts a signed CloudEvents array and stores one event per id", async () => {
    const response = await post(events, sign(events));
    expect(response.statusCode).toBe(200);
    expect(received.map((event) => [event.provider, event.externalId, event.type])).toEqual([
      ["quickbooks", "evt-1", "quickbooks.event"],
      ["quickbooks", "evt-2", "quickbooks.event"],
    ]);
    expect(received[0]?.payload).toMatchObject({ intuitentityid: "42" });
  });

  it("accepts application/cloudevents+json as well", async () => {
    const response = await post(events, sign(events), "application/cloudevents+json");
    expect(response.statusCode).toBe(200);
    expect(received).toHaveLength(2);
  });

  it("verifies the exact bytes: re-spaced JSON with the original signature is rejected", async () => {
    const respaced = JSON.stringify(JSON.parse(events), null, 2);
    const response = await post(respaced, sign(events));
    expect(response.statusCode).toBe(401);
    expect(received).toEqual([]);
  });

  it("rejects a tampered body and a wrong token with 401, logging only the provider", async () => {
    const tampered = events.replace('"42"', '"43"');
    expect((await post(tampered, sign(events))).statusCode).toBe(401);
    expect((await post(events, sign(events, "wrong-token"))).statusCode).toBe(401);
    expect((await post(events, null)).statusCode).toBe(401);
    expect(received).toEqual([]);
    const warnings = logger.lines.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(3);
    for (const warning of warnings) {
      expect(warning.object.provider).toBe("quickbooks");
      const logged = JSON.stringify(warning);
      expect(logged).not.toContain("9130357766");
      expect(logged).not.toContain("evt-1");
      expect(logged).not.toContain(sign(events));
    }
  });

  it("stores legacy eventNotifications under a stable composite id", async () => {
    const legacy = JSON.stringify({
      eventNotifications: [
        {
          realmId: "9130357766",
          dataChangeEvent: {
            entities: [
              {
                name: "Invoice",
                id: "7",
                operation: "Update",
                lastUpdated: "2026-11-20T15:00:00.000Z",
              },
            ],
          },
        },
      ],
    });
    const response = await post(legacy, sign(legacy));
    expect(response.statusCode).toBe(200);
    expect(received.map((event) => event.externalId)).toEqual([
      "9130357766:Invoice:7:Update:2026-11-20T15:00:00.000Z",
    ]);
  });
});

describe("emulator → route, end to end over loopback", () => {
  it("the route accepts what the emulator signs", async () => {
    const received: string[] = [];
    const app = Fastify({ logger: false });
    await app.register(
      quickbooksWebhookRoutes({
        verifier: new QuickBooksWebhookVerifier(QBO.webhookVerifierToken),
        receive: async (event) => {
          received.push(event.externalId);
        },
        publicBaseUrl: "http://127.0.0.1",
        clock: new FakeClock(new Date("2026-11-20T15:00:00Z")),
        logger: new MemoryLogger(),
      }),
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const qbo = await startQuickBooks({ appBaseUrl: `http://127.0.0.1:${port}` });
    try {
      const customer = qbo.emulator.createCustomer({ DisplayName: "Eva" });
      const invoice = qbo.emulator.createInvoice({
        CustomerRef: { value: customer.Id },
        TotalAmt: 5,
      });
      qbo.emulator.recordCheckPayment(invoice.Id, 5);
      await qbo.emulator.idle();
      expect(received).toHaveLength(4);
      expect(qbo.logger.lines.filter((line) => line.level === "warn")).toEqual([]);
    } finally {
      await qbo.close();
      await app.close();
    }
  });
});
