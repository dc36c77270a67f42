import { createHash, randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COPY_LINK_VALIDITY_DAYS } from "../../../src/app/invoice-copies.js";
import { invoices, payLinks } from "../../../src/db/schema/index.js";
import { DrizzleCopyLinkStore } from "../../../src/db/stores/copy-link-store.js";
import { buildApp } from "../../../src/http/build-app.js";
import { copyLinkRoutes } from "../../../src/http/routes/copy-links.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { PaymentsSandbox, page, type RunningSandbox } from "./payments-kit.js";

// Invoice copies (`/i/:token`, the COPY reply's link) through the whole sandboxed product:
// the app's page and PDF route, the real QuickBooks SDK against its emulator over loopback.

let sandbox: PaymentsSandbox;
let running: RunningSandbox;
let companyId: string;

beforeAll(async () => {
  sandbox = await PaymentsSandbox.start({ phonePrefix: "737556", namePrefix: "Copy customer" });
  running = sandbox.running;
  companyId = sandbox.companyId;
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

const db = () => sandbox.db;
const quickbooks = () => sandbox.emulators.quickbooks;
const control = (path: string, body: unknown) => sandbox.control(path, body);
const customerWithInvoices: PaymentsSandbox["customerWithInvoices"] = (lines, options) =>
  sandbox.customerWithInvoices(lines, options);

async function issue(
  setup: { threadId: string; invoiceIds: string[] },
  options: { now?: Date; seed?: string } = {},
) {
  return running.payments.issueCopyLink({
    companyId,
    threadId: setup.threadId,
    invoiceIds: setup.invoiceIds,
    seed: options.seed ?? `outbox-${randomBytes(8).toString("hex")}`,
    now: options.now ?? running.clock.now(),
  });
}

function pdfRequests(quickbooksId: string) {
  return quickbooks().requests.filter(
    (request) => request.method === "GET" && request.path.endsWith(`/invoice/${quickbooksId}/pdf`),
  );
}

describe("GET /i/:token", () => {
  it("shows the business and its contact, and each invoice's number, date, due date, total and the balance QuickBooks has now, with a link to its PDF", async () => {
    const setup = await customerWithInvoices([
      { amount: 300, txnDate: "2026-10-11", dueDate: "2026-11-10", docNumber: "CP-1002" },
      { amount: 80, txnDate: "2026-10-01", dueDate: "2026-10-31", docNumber: "CP-1001" },
    ]);
    // A check for part of CP-1002 in QuickBooks, and a mirror that is stale on purpose: the
    // page must show what QuickBooks says now.
    await control(`/_sandbox/qbo/invoices/${setup.quickbooksIds[0]}/payments`, { amount: 59.5 });
    await db()
      .update(invoices)
      .set({ balanceMinor: 1, totalMinor: 1 })
      .where(inArray(invoices.id, setup.invoiceIds));
    const link = await issue(setup);

    const shown = await page(link.url);

    expect(shown.status).toBe(200);
    expect(shown.html).toContain('<html lang="en">');
    expect(shown.html).toContain("Acme Plumbing &#38; Heating");
    expect(shown.html).toContain("(512) 555-0100");
    expect(shown.html).toContain("billing@acme.test");
    expect(shown.html).toContain("Invoice CP-1002");
    expect(shown.html).toContain("Date: October 11, 2026");
    expect(shown.html).toContain("Due: November 10, 2026");
    expect(shown.html).toContain("Total: $300.00");
    expect(shown.html).toContain("Balance: $240.50");
    expect(shown.html).toContain("Invoice CP-1001");
    expect(shown.html).toContain("Total: $80.00 · Balance: $80.00");
    expect(shown.html).toContain("Balance due: <strong>$320.50</strong>");
    // Oldest due first.
    expect(shown.html.indexOf("CP-1001")).toBeLessThan(shown.html.indexOf("CP-1002"));
    const token = new URL(link.url).pathname.split("/")[2];
    for (const invoiceId of setup.invoiceIds) {
      expect(shown.html).toContain(`href="/i/${token}/invoices/${invoiceId}.pdf"`);
    }
    expect(shown.html).not.toContain("$0.01");
    expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
    expect(shown.headers.get("x-robots-tag")).toContain("noindex");
    expect(shown.headers.get("cache-control")).toBe("no-store");
  });

  it("offers one Pay link for what is open, the same on every visit, that opens the pay page for the live balance", async () => {
    const setup = await customerWithInvoices([
      { amount: 125, txnDate: "2026-10-05", dueDate: "2026-11-04", docNumber: "CP-2001" },
    ]);
    const link = await issue(setup);

    const first = await page(link.url);
    const second = await page(link.url);

    const payUrl = /<a class="pay" href="([^"]+)">Pay \$125\.00<\/a>/.exec(first.html)?.[1];
    expect(payUrl).toMatch(/\/p\/[A-Za-z0-9_-]{43}$/);
    expect(second.html).toContain(`href="${payUrl}"`);
    const pay = await page(payUrl ?? "");
    expect(pay.status).toBe(200);
    expect(pay.html).toContain("Invoice CP-2001");
    expect(pay.html).toContain("Pay $125.00");
    const payToken = new URL(payUrl ?? "").pathname.split("/")[2] ?? "";
    const stored = await db()
      .select({ purpose: payLinks.purpose, invoiceIds: payLinks.invoiceIds })
      .from(payLinks)
      .where(eq(payLinks.tokenHash, createHash("sha256").update(payToken).digest("hex")));
    expect(stored).toEqual([{ purpose: "pay", invoiceIds: setup.invoiceIds }]);
  });

  it("shows a paid invoice as paid and offers no Pay link when nothing is open", async () => {
    const setup = await customerWithInvoices([
      { amount: 40, txnDate: "2026-10-06", dueDate: "2026-11-05", docNumber: "CP-2101" },
    ]);
    await control(`/_sandbox/qbo/invoices/${setup.quickbooksIds[0]}/payments`, { amount: 40 });
    const link = await issue(setup);

    const shown = await page(link.url);

    expect(shown.status).toBe(200);
    expect(shown.html).toContain("Invoice CP-2101");
    expect(shown.html).toContain("Total: $40.00 · Balance: $0.00");
    expect(shown.html).toContain('<span class="amount">Paid</span>');
    expect(shown.html).not.toContain('class="pay"');
    expect(shown.html).not.toContain("Balance due");
  });

  it("speaks Spanish to a customer whose QuickBooks notes say lang:es", async () => {
    const setup = await customerWithInvoices(
      [{ amount: 99.9, txnDate: "2026-10-02", dueDate: "2026-11-01", docNumber: "CP-3001" }],
      { notes: "lang:es" },
    );
    const link = await issue(setup);

    const shown = await page(link.url);

    expect(shown.status).toBe(200);
    expect(shown.html).toContain('<html lang="es">');
    expect(shown.html).toContain("Aquí tiene una copia de sus facturas.");
    expect(shown.html).toContain("Factura CP-3001");
    expect(shown.html).toContain("Fecha: 2 de octubre de 2026");
    expect(shown.html).toContain("Vence: 1 de noviembre de 2026");
    expect(shown.html).toContain("Ver el PDF");
    expect(shown.html).toContain("Pagar");
    expect(shown.html).toContain("¿Preguntas? Comuníquese con");
  });

  it("answers unknown and malformed tokens, and a pay link's token, with the generic 404 page", async () => {
    const setup = await customerWithInvoices([
      { amount: 20, txnDate: "2026-10-03", dueDate: "2026-11-02", docNumber: "CP-4001" },
    ]);
    const payLink = await running.payments.issuePayLink({
      companyId,
      threadId: setup.threadId,
      invoiceIds: setup.invoiceIds,
      purpose: "pay",
      seed: `outbox-${randomBytes(8).toString("hex")}`,
      now: running.clock.now(),
      validityDays: 45,
    });
    for (const token of [
      randomBytes(32).toString("base64url"),
      "short",
      "x".repeat(90),
      payLink.token,
    ]) {
      const shown = await page(`${running.appUrl}/i/${token}`);
      expect(shown.status).toBe(404);
      expect(shown.html).toContain("This link is not valid");
      expect(shown.html).not.toContain("Acme");
      expect(shown.html).not.toContain("CP-4001");
      const pdf = await fetch(`${running.appUrl}/i/${token}/invoices/${setup.invoiceIds[0]}.pdf`);
      expect(pdf.status).toBe(404);
      expect(pdf.headers.get("content-type")).toContain("text/html");
    }
    // And a copy link's token is no pay link.
    const copy = await issue(setup);
    expect((await page(`${running.appUrl}/p/${copy.token}`)).status).toBe(404);
    expect(pdfRequests(setup.quickbooksIds[0] ?? "")).toHaveLength(0);
  });

  it(`expires after ${COPY_LINK_VALIDITY_DAYS} days: 410 with the business's contact and no invoice data, for the page and its PDFs`, async () => {
    const setup = await customerWithInvoices([
      { amount: 55, txnDate: "2026-10-04", dueDate: "2026-11-03", docNumber: "CP-5001" },
    ]);
    const now = running.clock.now();
    const stillOpen = await issue(setup, {
      now: new Date(now.getTime() - COPY_LINK_VALIDITY_DAYS * 86_400_000 + 60_000),
    });
    const expired = await issue(setup, {
      now: new Date(now.getTime() - COPY_LINK_VALIDITY_DAYS * 86_400_000),
    });

    expect((await page(stillOpen.url)).status).toBe(200);
    const shown = await page(expired.url);
    expect(shown.status).toBe(410);
    expect(shown.html).toContain("This link has expired");
    expect(shown.html).toContain("(512) 555-0100");
    expect(shown.html).not.toContain("CP-5001");
    expect(shown.html).not.toContain("$55");
    const pdf = await fetch(`${expired.url}/invoices/${setup.invoiceIds[0]}.pdf`);
    expect(pdf.status).toBe(410);
    expect(await pdf.text()).toContain("This link has expired");
    expect(pdfRequests(setup.quickbooksIds[0] ?? "")).toHaveLength(0);
  });

  it("shows a 503 page with the contact when QuickBooks cannot be read", async () => {
    const setup = await customerWithInvoices([
      { amount: 70, txnDate: "2026-10-07", dueDate: "2026-11-06", docNumber: "CP-6001" },
    ]);
    const link = await issue(setup);
    quickbooks().injectFault(400);

    const shown = await page(link.url);

    expect(shown.status).toBe(503);
    expect(shown.html).toContain("Your invoices are not available right now");
    expect(shown.html).toContain("(512) 555-0100");
    expect(shown.html).not.toContain("CP-6001");
  });
});

describe("GET /i/:token/invoices/:invoiceId.pdf", () => {
  it("streams the invoice's PDF from QuickBooks, inline, with the pages' private headers", async () => {
    const setup = await customerWithInvoices([
      { amount: 410, txnDate: "2026-10-08", dueDate: "2026-11-07", docNumber: "CP-7001" },
    ]);
    const link = await issue(setup);
    const before = pdfRequests(setup.quickbooksIds[0] ?? "").length;

    const response = await fetch(`${link.url}/invoices/${setup.invoiceIds[0]}.pdf`);
    const body = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(
      'inline; filename="invoice-CP-7001.pdf"',
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-robots-tag")).toContain("noindex");
    expect(body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(body.toString("latin1")).toContain("Invoice CP-7001");
    expect(body.toString("latin1").trimEnd().endsWith("%%EOF")).toBe(true);
    // Fetched from QuickBooks (its emulator) through the SDK, on this request.
    expect(pdfRequests(setup.quickbooksIds[0] ?? "")).toHaveLength(before + 1);
    expect(pdfRequests(setup.quickbooksIds[0] ?? "").at(-1)?.status).toBe(200);
  });

  it("serves only the invoices the link names: another customer's, or an unknown id, is a 404 and QuickBooks is not asked", async () => {
    const mine = await customerWithInvoices([
      { amount: 15, txnDate: "2026-10-09", dueDate: "2026-11-08", docNumber: "CP-8001" },
      { amount: 16, txnDate: "2026-10-09", dueDate: "2026-11-08", docNumber: "CP-8002" },
    ]);
    const theirs = await customerWithInvoices([
      { amount: 17, txnDate: "2026-10-09", dueDate: "2026-11-08", docNumber: "CP-8101" },
    ]);
    // The link names only the first of my invoices.
    const link = await issue({ threadId: mine.threadId, invoiceIds: [mine.invoiceIds[0] ?? ""] });

    for (const invoiceId of [
      theirs.invoiceIds[0],
      mine.invoiceIds[1],
      "iv_doesnotexist",
      theirs.quickbooksIds[0],
    ]) {
      const response = await fetch(`${link.url}/invoices/${invoiceId}.pdf`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(await response.text()).not.toContain("%PDF");
    }
    expect(pdfRequests(theirs.quickbooksIds[0] ?? "")).toHaveLength(0);
    expect(pdfRequests(mine.quickbooksIds[1] ?? "")).toHaveLength(0);
    const shown = await page(link.url);
    expect(shown.html).toContain("CP-8001");
    expect(shown.html).not.toContain("CP-8002");
    expect((await fetch(`${link.url}/invoices/${mine.invoiceIds[0]}.pdf`)).status).toBe(200);
  });
});

describe("issueCopyLink", () => {
  it(`stores only the token's SHA-256 as an invoice_copy row valid ${COPY_LINK_VALIDITY_DAYS} days, and the same seed gives the same link`, async () => {
    const setup = await customerWithInvoices([
      { amount: 12, txnDate: "2026-10-10", dueDate: "2026-11-09", docNumber: "CP-9001" },
    ]);
    const now = running.clock.now();
    const first = await issue(setup, { seed: "ob_copy_same_seed", now });
    const again = await issue(setup, {
      seed: "ob_copy_same_seed",
      now: new Date(now.getTime() + 60_000),
    });

    expect(again).toEqual(first);
    expect(first.url).toBe(`${running.appUrl}/i/${first.token}`);
    expect(first.expiresAt.getTime() - now.getTime()).toBe(COPY_LINK_VALIDITY_DAYS * 86_400_000);
    const rows = await db()
      .select()
      .from(payLinks)
      .where(eq(payLinks.tokenHash, createHash("sha256").update(first.token).digest("hex")));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      purpose: "invoice_copy",
      threadId: setup.threadId,
      invoiceIds: setup.invoiceIds,
    });
    expect(JSON.stringify(rows)).not.toContain(first.token);
    await expect(
      running.payments.issueCopyLink({
        companyId,
        threadId: setup.threadId,
        invoiceIds: [],
        seed: "ob_copy_empty",
        now,
      }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("copy pages' rate limit", () => {
  let limited: FastifyInstance;

  beforeAll(async () => {
    limited = await buildApp(
      {
        health: async () => ({
          ok: true,
          database: { ok: true, kind: "pglite" },
          migrations: null,
        }),
        routes: [
          copyLinkRoutes({
            store: new DrizzleCopyLinkStore(db()),
            documents: {
              readInvoiceCopies: async () => {
                throw new Error("no invoice should be read for an unknown link");
              },
              invoicePdf: async () => {
                throw new Error("no PDF should be read for an unknown link");
              },
            },
            payLinks: null,
            now: () => running.clock.now(),
            rateLimitPerMinute: 2,
            logger: new MemoryLogger(),
          }),
        ],
      },
      {},
    );
  });

  afterAll(async () => {
    await limited?.close();
  });

  it("answers one address beyond the per-minute limit with the 429 page, pages and PDFs alike", async () => {
    const token = () => randomBytes(32).toString("base64url");
    const from = "198.51.100.23";
    expect((await limited.inject({ url: `/i/${token()}`, remoteAddress: from })).statusCode).toBe(
      404,
    );
    expect(
      (await limited.inject({ url: `/i/${token()}/invoices/iv_x.pdf`, remoteAddress: from }))
        .statusCode,
    ).toBe(404);
    const refused = await limited.inject({ url: `/i/${token()}`, remoteAddress: from });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain("Too many requests");
    expect(refused.headers["cache-control"]).toBe("no-store");
    const other = await limited.inject({ url: `/i/${token()}`, remoteAddress: "198.51.100.24" });
    expect(other.statusCode).toBe(404);
  });
});
