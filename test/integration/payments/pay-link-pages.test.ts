import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DrizzlePayLinkStore } from "../../../src/db/stores/pay-link-store.js";
import { buildApp } from "../../../src/http/build-app.js";
import { payLinkRoutes } from "../../../src/http/routes/pay-links.js";
import { FakeAccounting } from "../../fakes/fake-accounting.js";
import { FakePayments } from "../../fakes/fake-payments.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";

// The pay pages' protections, on the app as buildApp() assembles it: a per-address rate limit
// answered with an HTML page, and headers that keep the pages out of referrers, indexes and
// caches. Unknown tokens only, so no provider is ever reached.

let database: TestDatabase;
let app: FastifyInstance;
const payments = new FakePayments();

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp(
    {
      health: async () => ({
        ok: true,
        database: { ok: true, kind: database.kind },
        migrations: null,
      }),
      routes: [
        payLinkRoutes({
          store: new DrizzlePayLinkStore(database.db),
          accounting: new FakeAccounting(),
          payments,
          paymentEvents: {
            retrieveCheckoutSession: async (id) => {
              throw new Error(`no session ${id} should be read for an unknown link`);
            },
          },
          publicBaseUrl: "https://pay.acme.test",
          now: () => new Date("2026-11-20T15:00:00Z"),
          rateLimitPerMinute: 3,
          logger: new MemoryLogger(),
        }),
      ],
    },
    {},
  );
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const unknownToken = () => randomBytes(32).toString("base64url");

describe("pay pages", () => {
  it("send no referrer, ask not to be indexed or cached, and allow no script or framing", async () => {
    const response = await app.inject({
      method: "GET",
      url: `/p/${unknownToken()}`,
      remoteAddress: "203.0.113.9",
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    expect(response.headers["x-robots-tag"]).toBe("noindex, nofollow, noarchive");
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(response.body).toContain('<meta name="robots" content="noindex, nofollow">');
  });

  it("answer one address's requests beyond the per-minute limit with a 429 page, GET and POST alike, while other addresses and other routes go on", async () => {
    const from = "198.51.100.7";
    for (let request = 0; request < 3; request++) {
      const allowed = await app.inject({
        method: request === 1 ? "POST" : "GET",
        url: `/p/${unknownToken()}`,
        remoteAddress: from,
      });
      expect(allowed.statusCode).toBe(404);
    }
    for (const method of ["GET", "POST"] as const) {
      const refused = await app.inject({
        method,
        url: `/p/${unknownToken()}`,
        remoteAddress: from,
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers["content-type"]).toContain("text/html");
      expect(refused.headers["retry-after"]).toBeDefined();
      expect(refused.headers["referrer-policy"]).toBe("no-referrer");
      expect(refused.body).toContain("Too many requests");
      expect(refused.body).toContain("Demasiadas solicitudes");
    }

    const elsewhere = await app.inject({
      method: "GET",
      url: `/p/${unknownToken()}`,
      remoteAddress: "198.51.100.8",
    });
    expect(elsewhere.statusCode).toBe(404);
    const health = await app.inject({ method: "GET", url: "/healthz", remoteAddress: from });
    expect(health.statusCode).toBe(200);
    expect(payments.sessions).toHaveLength(0);
  });
});
