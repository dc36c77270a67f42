import { createHmac, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Emulator, EmulatorOptions } from "../../emulator.js";
import {
  BusinessError,
  Company,
  type EntityName,
  notFound,
  type Operation,
  type QboCustomer,
  type QboInvoice,
  type QboPayment,
} from "./company.js";
import {
  authenticationFault,
  type FaultReply,
  faultForStatus,
  qboTime,
  throttleFault,
  validationFault,
  validationFaultBody,
} from "./faults.js";
import { DEFAULT_TOKEN_RULES, OAuthTokens, type TokenRules } from "./oauth-tokens.js";
import { matches, orderEntities, parseQuery, QueryError } from "./query-language.js";

// QuickBooks Online on the sandbox port: OAuth 2 (authorize, token, revoke), the v3 REST paths
// node-quickbooks calls, Fault bodies as the real service sends them, a per-realm rate limit,
// and CloudEvents webhooks signed with `intuit-signature`. See README.md beside this file.

export interface QuickBooksEmulatorConfig {
  clientId: string;
  clientSecret: string;
  webhookVerifierToken: string;
  realmId: string;
  tokenRules?: Partial<TokenRules>;
  /** Per-realm limits of the real service; `false` turns them off. */
  rateLimit?: { perMinute: number; concurrent: number } | false;
  /** Real time for the rate window (the shared clock may jump); injectable for tests. */
  monotonicNow?: () => number;
  /** Max items in one batch request (reference §F: 30). */
  batchLimit?: number;
  /** `false` stops webhook deliveries (tests of the REST surface alone). */
  webhooks?: boolean;
  /**
   * Waits before each redelivery of a webhook the app did not accept. Intuit retries at 10 s,
   * 20 s, 30 s, 5 min… (reference §A8); the default is none, so control calls stay prompt.
   */
  webhookRetryDelaysMs?: number[];
}

const MAX_REQUEST_LOG = 10_000;

const ENTITIES: Record<string, EntityName> = {
  customer: "Customer",
  invoice: "Invoice",
  payment: "Payment",
};

interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

export class QuickBooksEmulator implements Emulator {
  readonly provider = "quickbooks" as const;
  readonly tokens: OAuthTokens;
  company: Company;
  /** Every v3 request answered, for tests that count calls. */
  readonly requests: RequestRecord[] = [];
  private readonly faults: number[] = [];
  private readonly replays = new Map<string, Record<string, unknown>>();
  private readonly windowStarts: number[] = [];
  private inFlightRequests = 0;
  private readonly admitted = new WeakSet<FastifyRequest>();
  private readonly deliveries = new Set<Promise<void>>();
  private readonly sourceId: string;
  private muted = 0;

  constructor(
    private readonly options: EmulatorOptions,
    private readonly config: QuickBooksEmulatorConfig,
  ) {
    this.tokens = new OAuthTokens(options.clock, { ...DEFAULT_TOKEN_RULES, ...config.tokenRules });
    this.company = this.newCompany();
    this.sourceId = `intuit.${createHmac("sha256", config.clientId).update(config.realmId).digest("base64")}`;
  }

  // ---- control surface (sandbox console, control API, tests) ------------------------------

  get realmId(): string {
    return this.config.realmId;
  }

  reset(): void {
    this.company = this.newCompany();
    this.replays.clear();
    this.faults.length = 0;
  }

  createCustomer(input: Partial<QboCustomer> & { DisplayName: string }): QboCustomer {
    return this.company.createCustomer(input);
  }

  createInvoice(input: Parameters<Company["createInvoice"]>[0]): QboInvoice {
    return this.company.createInvoice(input);
  }

  patchInvoice(id: string, patch: Parameters<Company["patchInvoice"]>[1]): QboInvoice {
    return this.company.patchInvoice(id, patch);
  }

  voidInvoice(id: string): QboInvoice {
    return this.company.voidInvoice(id);
  }

  /** A check recorded by the bookkeeper in QuickBooks: applies to one invoice, fires webhooks. */
  recordCheckPayment(invoiceId: string, amount: number, checkNumber?: string): QboPayment {
    const invoice = this.company.invoices.get(invoiceId);
    if (!invoice) {
      throw notFound("Invoice", invoiceId);
    }
    return this.company.createPayment({
      CustomerRef: invoice.CustomerRef,
      TotalAmt: amount,
      Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }],
      PaymentRefNum: checkNumber ?? "Check",
      PrivateNote: "Check recorded in QuickBooks",
    });
  }

  snapshot(): { customers: QboCustomer[]; invoices: QboInvoice[]; payments: QboPayment[] } {
    return structuredClone({
      customers: [...this.company.customers.values()],
      invoices: [...this.company.invoices.values()],
      payments: [...this.company.payments.values()],
    });
  }

  /** The next v3 request is answered with this status and the real service's body for it. */
  injectFault(status: number, times = 1): void {
    for (let index = 0; index < times; index += 1) {
      this.faults.push(status);
    }
  }

  async idle(): Promise<void> {
    while (this.deliveries.size > 0) {
      await Promise.allSettled([...this.deliveries]);
    }
  }

  // ---- HTTP --------------------------------------------------------------------------------

  async register(app: FastifyInstance): Promise<void> {
    // Encapsulated: these content-type parsers must not leak to the other emulators.
    await app.register(async (scope) => {
      scope.addContentTypeParser(
        "application/x-www-form-urlencoded",
        { parseAs: "string" },
        (_request, body, done) => {
          done(null, Object.fromEntries(new URLSearchParams(String(body))));
        },
      );
      scope.addContentTypeParser(
        ["application/text", "text/plain"],
        { parseAs: "string" },
        (_request, body, done) => done(null, String(body)),
      );
      this.registerOAuth(scope);
      this.registerV3(scope);
    });
  }

  private registerOAuth(app: FastifyInstance): void {
    app.get("/connect/oauth2", async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const target = URL.canParse(query.redirect_uri ?? "")
        ? new URL(query.redirect_uri ?? "")
        : null;
      if (query.client_id !== this.config.clientId || !query.redirect_uri || !target) {
        return reply.status(400).type("text/html").send("<p>Invalid client_id or redirect_uri</p>");
      }
      // Auto-approve: a newcomer has no Intuit login, so the consent page says yes for them.
      target.searchParams.set(
        "code",
        this.tokens.issueCode(this.config.realmId, query.redirect_uri),
      );
      target.searchParams.set("state", query.state ?? "");
      target.searchParams.set("realmId", this.config.realmId);
      return reply
        .status(302)
        .header("location", target.toString())
        .type("text/html")
        .send(
          `<!doctype html><title>Connect to QuickBooks (emulated)</title><p>Approved. <a href="${escapeHtml(target.toString())}">Continue</a></p>`,
        );
    });

    app.post("/oauth2/v1/tokens/bearer", async (request, reply) => {
      reply.header("intuit_tid", randomUUID());
      if (!this.basicAuthOk(request.headers.authorization)) {
        return reply.status(401).send({ error: "invalid_client" });
      }
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      let result: ReturnType<OAuthTokens["refreshWith"]>;
      if (body.grant_type === "authorization_code") {
        result = this.tokens.exchangeCode(body.code ?? "", body.redirect_uri ?? "");
      } else if (body.grant_type === "refresh_token") {
        result = this.tokens.refreshWith(body.refresh_token ?? "");
      } else {
        return reply.status(400).send({ error: "unsupported_grant_type" });
      }
      if (typeof result === "string") {
        return reply.status(400).send({ error: result, error_description: "Token invalid" });
      }
      return reply.send(result);
    });

    app.post("/v2/oauth2/tokens/revoke", async (request, reply) => {
      if (!this.basicAuthOk(request.headers.authorization)) {
        return reply.status(401).send({ error: "invalid_client" });
      }
      // intuit-oauth sends JSON, node-quickbooks a form: both carry `token`.
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      this.tokens.revoke(body.token ?? "");
      return reply.status(200).send("");
    });

    app.get("/v1/openid_connect/userinfo", async (request, reply) => {
      const auth = this.tokens.authenticate(bearer(request.headers.authorization));
      if ("failure" in auth) {
        return reply.status(401).send({ error: "invalid_token" });
      }
      return reply.send({ sub: `emulated-${auth.realmId}`, email: "owner@example.com" });
    });
  }

  private registerV3(app: FastifyInstance): void {
    app.addHook("onRequest", async (request, reply) => {
      if (!request.url.startsWith("/v3/company/")) {
        return;
      }
      reply.header("intuit_tid", randomUUID());
      const now = this.options.clock.now();
      const injected = this.faults.shift();
      if (injected !== undefined) {
        return this.fault(reply, faultForStatus(injected, now));
      }
      const realmId = request.url.split("/")[3] ?? "";
      const auth = this.tokens.authenticate(bearer(request.headers.authorization));
      if ("failure" in auth) {
        return this.fault(reply, authenticationFault(`${auth.failure}: ${realmId}`, now));
      }
      if (auth.realmId !== realmId) {
        return this.fault(reply, authenticationFault(`Token not valid for realm ${realmId}`, now));
      }
      if (!this.admit()) {
        return this.fault(reply, throttleFault(now));
      }
      this.inFlightRequests += 1;
      this.admitted.add(request);
    });
    app.addHook("onResponse", async (request, reply) => {
      if (!request.url.startsWith("/v3/company/")) {
        return;
      }
      if (this.admitted.delete(request)) {
        this.inFlightRequests -= 1;
      }
      if (this.requests.length >= MAX_REQUEST_LOG) {
        // A long sandbox session must not grow this without bound.
        this.requests.splice(0, this.requests.length - MAX_REQUEST_LOG + 1);
      }
      this.requests.push({
        method: request.method,
        path: request.url.split("?")[0] ?? "",
        status: reply.statusCode,
      });
    });

    app.get("/v3/company/:realmId/query", async (request, reply) =>
      this.answer(reply, () =>
        this.runQuery(String((request.query as { query?: string }).query ?? "")),
      ),
    );
    app.post("/v3/company/:realmId/query", async (request, reply) =>
      this.answer(reply, () => this.runQuery(String(request.body ?? ""))),
    );
    app.get("/v3/company/:realmId/cdc", async (request, reply) =>
      this.answer(reply, () => this.changeDataCapture(request.query as Record<string, string>)),
    );
    app.post("/v3/company/:realmId/batch", async (request, reply) =>
      this.answer(reply, () => this.batch(request.body)),
    );
    app.get("/v3/company/:realmId/invoice/:id/pdf", async (request, reply) => {
      const { id } = request.params as { id: string };
      const invoice = this.company.invoices.get(id);
      if (!invoice) {
        return this.answer(reply, () => {
          throw notFound("Invoice", id);
        });
      }
      return reply.type("application/pdf").send(invoicePdf(invoice));
    });
    app.get("/v3/company/:realmId/:entity/:id", async (request, reply) => {
      const { entity, id } = request.params as { entity: string; id: string };
      return this.answer(reply, () => {
        const name = entityName(entity);
        const found = this.company.entities(name).find((row) => row.Id === id);
        if (!found) {
          throw notFound(name, id);
        }
        return { [name]: found };
      });
    });
    app.post("/v3/company/:realmId/:entity", async (request, reply) => {
      const { entity } = request.params as { entity: string };
      const query = request.query as Record<string, string | undefined>;
      return this.answer(reply, () => {
        const name = entityName(entity);
        const replayKey = query.requestid ? `${name}:${query.requestid}` : null;
        const replayed = replayKey ? this.replays.get(replayKey) : undefined;
        if (replayed) {
          // requestid: a retry gets the original answer, never a second entity.
          return replayed;
        }
        const result = this.write(name, query.operation ?? "create", request.body);
        if (replayKey) {
          this.replays.set(replayKey, result);
        }
        return result;
      });
    });
  }

  // ---- v3 operations -------------------------------------------------------------------

  private runQuery(text: string): Record<string, unknown> {
    const parsed = parseQuery(text);
    const name = ENTITIES[parsed.entity.toLowerCase()];
    if (!name) {
      throw new QueryError(`Invalid entity name: ${parsed.entity}`);
    }
    for (const condition of parsed.conditions) {
      const root = condition.property.split(".")[0] ?? "";
      const sample = this.company.entities(name)[0];
      if (
        sample &&
        !(root.toLowerCase() in lowerKeys(sample)) &&
        !KNOWN_QUERYABLE.has(root.toLowerCase())
      ) {
        throw new QueryError(`Property ${condition.property} is not queryable`, "4001");
      }
    }
    // `Id IN (…)` (the pre-send check's batch read) is looked up, not compared with every
    // row: the real service answers it from an index too. Every condition still applies.
    const byId = parsed.conditions.find(
      (condition) =>
        condition.property.toLowerCase() === "id" &&
        (condition.operator === "IN" || condition.operator === "="),
    );
    const wanted = byId ? new Set(byId.values.map((value) => String(value))) : null;
    const rows = this.company
      .entities(name)
      .filter((row) => wanted === null || wanted.has(String(row.Id)))
      .filter((row) =>
        parsed.conditions.every((condition) =>
          matches(row as unknown as Record<string, unknown>, condition),
        ),
      );
    if (parsed.count) {
      return { QueryResponse: { totalCount: rows.length }, time: this.time() };
    }
    const ordered = orderEntities(
      rows as unknown as Array<Record<string, unknown>>,
      parsed.orderBy,
    );
    const page = ordered.slice(
      parsed.startPosition - 1,
      parsed.startPosition - 1 + parsed.maxResults,
    );
    const response: Record<string, unknown> =
      page.length === 0
        ? {}
        : { [name]: page, startPosition: parsed.startPosition, maxResults: page.length };
    return { QueryResponse: response, time: this.time() };
  }

  private changeDataCapture(query: Record<string, string>): Record<string, unknown> {
    const names = String(query.entities ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .map(entityName);
    const since = Date.parse(String(query.changedSince ?? ""));
    const now = this.options.clock.now().getTime();
    if (Number.isNaN(since) || names.length === 0) {
      throw new BusinessError(
        "Request has invalid or unsupported property",
        "4000",
        "entities and changedSince are required",
      );
    }
    if (now - since > 30 * 86_400_000) {
      throw new BusinessError(
        "Request has invalid or unsupported property",
        "4000",
        "changedSince may not be more than 30 days ago",
      );
    }
    const queryResponses = names.map((name) => {
      const changed = this.company
        .entities(name)
        .filter((row) => Date.parse(row.MetaData.LastUpdatedTime) >= since)
        .sort(
          (a, b) => Date.parse(a.MetaData.LastUpdatedTime) - Date.parse(b.MetaData.LastUpdatedTime),
        )
        .slice(0, 1000);
      return changed.length === 0
        ? { startPosition: 1, maxResults: 0, totalCount: 0 }
        : {
            [name]: changed,
            startPosition: 1,
            maxResults: changed.length,
            totalCount: changed.length,
          };
    });
    return { CDCResponse: [{ QueryResponse: queryResponses }], time: this.time() };
  }

  private batch(body: unknown): Record<string, unknown> {
    const items = (body as { BatchItemRequest?: unknown })?.BatchItemRequest;
    const limit = this.config.batchLimit ?? 30;
    if (!Array.isArray(items) || items.length === 0 || items.length > limit) {
      throw new BusinessError(
        "Request has invalid or unsupported property",
        "4000",
        `BatchItemRequest must hold between 1 and ${limit} items`,
      );
    }
    // Each item counts against the realm's per-minute budget, as on the real service.
    this.charge(items.length - 1);
    const now = this.options.clock.now();
    const responses = items.map((raw) => {
      const item = raw as Record<string, unknown>;
      const bId = String(item.bId ?? "");
      try {
        if (typeof item.Query === "string") {
          const result = this.runQuery(item.Query);
          return { bId, QueryResponse: result.QueryResponse };
        }
        const key = Object.keys(item).find((name) => ENTITIES[name.toLowerCase()] !== undefined);
        if (!key) {
          throw new BusinessError(
            "Request has invalid or unsupported property",
            "4000",
            "No entity in item",
          );
        }
        const name = entityName(key);
        return { bId, ...this.write(name, String(item.operation ?? "create"), item[key]) };
      } catch (error) {
        const fault = faultFromError(error, now);
        return { bId, Fault: (JSON.parse(fault.body) as { Fault: unknown }).Fault };
      }
    });
    return { BatchItemResponse: responses, time: this.time() };
  }

  private write(name: EntityName, operation: string, body: unknown): Record<string, unknown> {
    const input = (body ?? {}) as Record<string, unknown>;
    if (operation === "create") {
      const created =
        name === "Customer"
          ? this.company.createCustomer(input as Parameters<Company["createCustomer"]>[0])
          : name === "Invoice"
            ? this.company.createInvoice(input as Parameters<Company["createInvoice"]>[0])
            : this.company.createPayment(input as Parameters<Company["createPayment"]>[0]);
      return { [name]: created, time: this.time() };
    }
    if (operation === "update" && name === "Invoice") {
      const id = String(input.Id ?? "");
      if (input.SyncToken === undefined) {
        throw new BusinessError(
          "Required param missing, need to supply the required value for the API",
          "2020",
          "Required parameter SyncToken is missing in the request",
        );
      }
      return { Invoice: this.company.patchInvoice(id, input), time: this.time() };
    }
    if (operation === "void" && name === "Invoice") {
      return { Invoice: this.company.voidInvoice(String(input.Id ?? "")), time: this.time() };
    }
    throw new BusinessError(
      "Operation not supported by the emulator",
      "4000",
      `${operation} on ${name} is not emulated`,
    );
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private answer(reply: FastifyReply, work: () => Record<string, unknown>) {
    try {
      return reply.type("application/json").send(work());
    } catch (error) {
      return this.fault(reply, faultFromError(error, this.options.clock.now()));
    }
  }

  private fault(reply: FastifyReply, fault: FaultReply) {
    return reply.status(fault.status).type(fault.contentType).send(fault.body);
  }

  private admit(): boolean {
    const limit = this.config.rateLimit ?? { perMinute: 500, concurrent: 10 };
    if (limit === false) {
      return true;
    }
    const now = (this.config.monotonicNow ?? performance.now.bind(performance))();
    while (this.windowStarts.length > 0 && (this.windowStarts[0] ?? 0) <= now - 60_000) {
      this.windowStarts.shift();
    }
    if (this.windowStarts.length >= limit.perMinute || this.inFlightRequests >= limit.concurrent) {
      return false;
    }
    this.windowStarts.push(now);
    return true;
  }

  private charge(extraRequests: number): void {
    const now = (this.config.monotonicNow ?? performance.now.bind(performance))();
    for (let index = 0; index < extraRequests; index += 1) {
      this.windowStarts.push(now);
    }
  }

  private basicAuthOk(header: string | undefined): boolean {
    const expected = `Basic ${Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString("base64")}`;
    return header === expected;
  }

  private time(): string {
    return qboTime(this.options.clock.now());
  }

  private newCompany(): Company {
    return new Company(this.options.clock, (entity, id, operation) =>
      this.notify(entity, id, operation),
    );
  }

  /**
   * Runs `seed` without a change notice per record (a bulk seed in a test or benchmark); the
   * next notice's sync finds everything through Change Data Capture, as after an outage.
   */
  quietly<T>(seed: () => T): T {
    this.muted++;
    try {
      return seed();
    } finally {
      this.muted--;
    }
  }

  private notify(entity: EntityName, id: string, operation: Operation): void {
    if (this.config.webhooks === false || this.muted > 0) {
      return;
    }
    const body = JSON.stringify([
      {
        specversion: "1.0",
        id: randomUUID(),
        source: this.sourceId,
        type: `qbo.${entity.toLowerCase()}.${operation}.v1`,
        datacontenttype: "application/json",
        time: this.options.clock.now().toISOString(),
        intuitentityid: id,
        intuitaccountid: this.config.realmId,
        data: {},
      },
    ]);
    const signature = createHmac("sha256", this.config.webhookVerifierToken)
      .update(body)
      .digest("base64");
    const delivery = this.deliver(body, signature).finally(() => {
      this.deliveries.delete(delivery);
    });
    this.deliveries.add(delivery);
  }

  private async deliver(body: string, signature: string): Promise<void> {
    const url = `${this.options.appBaseUrl.replace(/\/$/, "")}/webhooks/quickbooks`;
    const retries = [...(this.config.webhookRetryDelaysMs ?? [])];
    for (;;) {
      const failure = await this.attempt(url, body, signature);
      if (failure === null) {
        return;
      }
      const delay = retries.shift();
      if (delay === undefined) {
        this.options.logger.warn({ provider: "quickbooks", failure }, "emulated webhook gave up");
        return;
      }
      // Waiting inside the delivery keeps idle() honest: a retry pending is still in flight.
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** One POST; null when the app answered 2xx, else why not. */
  private async attempt(url: string, body: string, signature: string): Promise<string | null> {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "intuit-signature": signature },
        body,
        // Intuit gives the app 3 s to answer.
        signal: AbortSignal.timeout(3_000),
      });
      await response.arrayBuffer();
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}

/** Root properties the service lets you filter on even when absent from a given row. */
const KNOWN_QUERYABLE = new Set([
  "id",
  "balance",
  "metadata",
  "docnumber",
  "duedate",
  "txndate",
  "customerref",
  "displayname",
  "active",
  "totalamt",
]);

function lowerKeys(row: object): Record<string, true> {
  return Object.fromEntries(Object.keys(row).map((key) => [key.toLowerCase(), true as const]));
}

function entityName(raw: string): EntityName {
  const name = ENTITIES[raw.toLowerCase()];
  if (!name) {
    throw new BusinessError(
      "Unsupported Operation",
      "500",
      `Operation ${raw} is not supported by the emulator`,
    );
  }
  return name;
}

function faultFromError(error: unknown, now: Date): FaultReply {
  if (error instanceof QueryError) {
    return validationFault(
      error.code === "4001" ? "Invalid query" : "Error parsing query",
      `QueryParserError: ${error.message}`,
      error.code,
      now,
    );
  }
  if (error instanceof BusinessError) {
    return validationFault(error.message, error.detail, error.code, now);
  }
  return {
    status: 500,
    contentType: "application/json",
    body: JSON.stringify(
      validationFaultBody("An application error has occurred", String(error), "10000", now),
    ),
  };
}

function bearer(header: string | undefined): string {
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A small valid one-page PDF naming the invoice: enough for the copy page to stream. */
export function invoicePdf(invoice: QboInvoice): Buffer {
  const text =
    `Invoice ${invoice.DocNumber} - ${invoice.CustomerRef.name ?? ""} - Balance ${invoice.Balance.toFixed(2)} ${invoice.CurrencyRef.value}`.replace(
      /[()\\]/g,
      "",
    );
  const stream = `BT /F1 14 Tf 50 750 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) {
    pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  }
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}
