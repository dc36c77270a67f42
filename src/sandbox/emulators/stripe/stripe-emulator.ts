import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../../domain/errors.js";
import type { Emulator, EmulatorOptions } from "../../emulator.js";
import { checkoutPage } from "./checkout-page.js";
import { type FormObject, formList, formString, parseStripeForm } from "./form.js";
import {
  API_VERSION,
  type JsonObject,
  newId,
  renderDispute,
  renderError,
  renderEvent,
  renderLineItem,
  renderPaymentIntent,
  renderRefund,
  renderSession,
  type SessionState,
  type StripeErrorBody,
} from "./objects.js";
import { integerParam, metadataParam, parseSessionCreate, rejectUnknown } from "./params.js";
import {
  invalidRequest,
  noSuch,
  type PaymentMethodType,
  type PaymentOutcome,
  type StoredEvent,
  StripeAccount,
  StripeApiError,
} from "./stripe-state.js";
import { type DeliveryRecord, WebhookSender } from "./webhook-sender.js";

// Stripe, emulated: the REST API stripe-node 23.1.0 calls (form-encoded bodies, bearer key,
// Idempotency-Key replay, Stripe's error bodies and statuses), the hosted Checkout page, and
// signed webhooks to the app. In-memory and stateful; time comes from the shared clock.

export interface StripeEmulatorSecrets {
  /** The only API key the emulated account accepts (`sk_test_…`). */
  secretKey: string;
  /** The app's webhook endpoint signing secret (`whsec_…`). */
  webhookSecret: string;
  /**
   * Event types delivered to the app's endpoint (like a Stripe webhook endpoint's
   * `enabled_events`). Every event is still listed by `GET /v1/events`.
   */
  enabledEvents?: readonly string[];
}

/** Events a payments app subscribes to (reference §B3). */
export const DEFAULT_ENABLED_EVENTS: readonly string[] = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
  "charge.dispute.created",
];

/** A failure the next matching API calls answer with, before touching any state. */
export interface InjectedFault {
  status: number;
  error: StripeErrorBody;
  /** How many calls fail (default 1). */
  times?: number;
  method?: "GET" | "POST";
  /** Only calls whose path starts with this, e.g. "/v1/checkout/sessions". */
  pathPrefix?: string;
  /** Sets `Stripe-Should-Retry`, which stripe-node obeys. */
  shouldRetry?: boolean;
}

export interface SandboxStripeSession {
  id: string;
  status: SessionState["status"];
  paymentStatus: SessionState["paymentStatus"];
  amountMinor: number;
  currency: string;
  metadata: Record<string, string>;
  url: string | null;
  paymentIntentId: string | null;
  createdAt: string;
  expiresAt: string;
  /** What the payer sees on the Checkout page, e.g. "Invoice payment". */
  description: string;
  /** Where "Cancel and go back" leads: for the app, the pay link the session came from. */
  cancelUrl: string | null;
}

export interface SandboxStripePayment {
  id: string;
  checkoutSessionId: string;
  status: string;
  amountMinor: number;
  amountReceivedMinor: number;
  amountRefundedMinor: number;
  disputed: boolean;
  currency: string;
  metadata: Record<string, string>;
  chargeId: string | null;
  createdAt: string;
}

interface StoredResponse {
  fingerprint: string;
  status: number;
  payload: string;
  requestId: string;
}

interface ApiContext {
  params: FormObject;
  requestId: string;
  idempotencyKey: string | null;
}

type Handler = (context: ApiContext, request: FastifyRequest) => JsonObject;

const JSON_TYPE = "application/json";

export class StripeEmulator implements Emulator {
  readonly provider = "stripe" as const;
  private account: StripeAccount;
  private readonly sender: WebhookSender;
  private readonly enabled: ReadonlySet<string>;
  private readonly idempotency = new Map<string, StoredResponse>();
  private faults: Array<InjectedFault & { remaining: number }> = [];
  /** Every API request answered (`/v1/…`), for tests and benchmarks that count calls. */
  readonly requests: Array<{ method: string; path: string; status: number }> = [];

  constructor(
    private readonly options: EmulatorOptions,
    private readonly secrets: StripeEmulatorSecrets,
  ) {
    this.enabled = new Set(secrets.enabledEvents ?? DEFAULT_ENABLED_EVENTS);
    this.sender = new WebhookSender({
      clock: options.clock,
      logger: options.logger,
      endpoint: () => options.appBaseUrl,
      secret: secrets.webhookSecret,
    });
    this.account = new StripeAccount(options.clock, (event) => this.deliver(event));
  }

  // ---- Emulator ------------------------------------------------------------------------

  async register(app: FastifyInstance): Promise<void> {
    // Encapsulated so the bracket-notation form parser applies to these routes only.
    await app.register(async (scope) => {
      if (scope.hasContentTypeParser("application/x-www-form-urlencoded")) {
        scope.removeContentTypeParser("application/x-www-form-urlencoded");
      }
      scope.addContentTypeParser(
        "application/x-www-form-urlencoded",
        { parseAs: "string" },
        (_request, body, done) => {
          done(null, parseStripeForm(typeof body === "string" ? body : body.toString("utf8")));
        },
      );
      scope.addHook("onResponse", async (request, reply) => {
        if (request.url.startsWith("/v1/")) {
          this.requests.push({
            method: request.method,
            path: request.url.split("?")[0] ?? request.url,
            status: reply.statusCode,
          });
        }
      });
      this.apiRoutes(scope);
      this.pageRoutes(scope);
    });
  }

  async idle(): Promise<void> {
    this.tick();
    await this.sender.idle();
  }

  /**
   * Applies the passage of shared-clock time: expires open sessions past `expires_at` and
   * re-sends failed deliveries that are due. `idle()` calls it, so settling after a clock
   * move is enough.
   */
  tick(): void {
    this.account.sweepExpired();
    for (const eventId of this.sender.dueRetries()) {
      const event = this.account.events.find((candidate) => candidate.id === eventId);
      if (event) {
        this.deliver(event);
      }
    }
  }

  // ---- Sandbox control API -------------------------------------------------------------

  /** The customer pays (or the card is declined) on the hosted page. */
  async pay(
    sessionId: string,
    outcome: PaymentOutcome,
    options: { paymentMethod?: PaymentMethodType } = {},
  ): Promise<SandboxStripeSession> {
    const session = this.control(() =>
      this.account.pay(sessionId, outcome, options.paymentMethod ?? "card"),
    );
    return this.summarizeSession(session);
  }

  /** A refund from the dashboard: full by default. `target` is a pi_, cs_ or ch_ id. */
  async refund(
    target: string,
    options: {
      amountMinor?: number;
      reason?: "duplicate" | "fraudulent" | "requested_by_customer";
    } = {},
  ): Promise<{ refundId: string; chargeId: string; amountMinor: number }> {
    const refund = this.control(() =>
      this.account.refund(
        this.account.paidChargeFor(target, "payment_intent"),
        { amount: options.amountMinor ?? null, reason: options.reason ?? null, metadata: {} },
        { id: null, idempotencyKey: null },
      ),
    );
    return { refundId: refund.id, chargeId: refund.chargeId, amountMinor: refund.amount };
  }

  /** The cardholder disputes the charge with their bank. */
  async dispute(
    target: string,
    options: { reason?: string } = {},
  ): Promise<{ disputeId: string; chargeId: string; amountMinor: number }> {
    const dispute = this.control(() =>
      this.account.dispute(
        this.account.paidChargeFor(target, "payment_intent"),
        options.reason ?? "fraudulent",
      ),
    );
    return { disputeId: dispute.id, chargeId: dispute.chargeId, amountMinor: dispute.amount };
  }

  async expire(sessionId: string): Promise<SandboxStripeSession> {
    const session = this.control(() =>
      this.account.expireSession(sessionId, { id: null, idempotencyKey: null }),
    );
    return this.summarizeSession(session);
  }

  /** Sends an event again (Stripe may deliver duplicates; this makes one on demand). */
  redeliver(eventId: string): void {
    const event = this.control(() => this.account.event(eventId));
    this.sender.enqueue(
      event,
      () => this.eventBody(event),
      (ok) => this.recordDelivery(event, ok),
    );
  }

  /** Holds webhooks back until `releaseWebhooks`; `idle()` does not wait for held ones. */
  holdWebhooks(): void {
    this.sender.hold();
  }

  /** Sends held webhooks; "reversed" makes the app see them out of order, as Stripe may. */
  releaseWebhooks(order: "created" | "reversed" = "created"): void {
    this.sender.release(order);
  }

  injectFault(fault: InjectedFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Forgets every object, event and stored idempotent response: a brand-new account. */
  reset(): void {
    this.account = new StripeAccount(this.options.clock, (event) => this.deliver(event));
    this.idempotency.clear();
    this.faults = [];
  }

  clearFaults(): void {
    this.faults = [];
  }

  sessions(): SandboxStripeSession[] {
    return [...this.account.sessions.values()].map((session) => this.summarizeSession(session));
  }

  payments(): SandboxStripePayment[] {
    return [...this.account.intents.values()].map((intent) => {
      const charge = intent.latestChargeId ? this.account.charges.get(intent.latestChargeId) : null;
      return {
        id: intent.id,
        checkoutSessionId: intent.checkoutSessionId,
        status: intent.status,
        amountMinor: intent.amount,
        amountReceivedMinor: intent.amountReceived,
        amountRefundedMinor: charge?.amountRefunded ?? 0,
        disputed: charge?.disputed ?? false,
        currency: intent.currency,
        metadata: { ...intent.metadata },
        chargeId: charge?.id ?? null,
        createdAt: new Date(intent.created * 1000).toISOString(),
      };
    });
  }

  /** Every event as the Events API renders it, oldest first. */
  events(): JsonObject[] {
    return this.account.events.map((event) => renderEvent(event));
  }

  deliveries(): DeliveryRecord[] {
    return [...this.sender.records.values()].map((record) => ({ ...record }));
  }

  /** The `/_sandbox/state` section. */
  state(): { sessions: SandboxStripeSession[]; payments: SandboxStripePayment[] } {
    return { sessions: this.sessions(), payments: this.payments() };
  }

  // ---- Internals -----------------------------------------------------------------------

  private control<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof StripeApiError) {
        const code =
          error.status === 404
            ? "NOT_FOUND"
            : error.body.code === "checkout_session_not_open" ||
                error.body.code === "charge_disputed" ||
                error.body.code === "charge_already_refunded"
              ? "CONFLICT"
              : "VALIDATION_FAILED";
        throw new AppError(code, error.message, { context: { provider: "stripe" } });
      }
      throw error;
    }
  }

  private summarizeSession(session: SessionState): SandboxStripeSession {
    return {
      id: session.id,
      status: session.status,
      paymentStatus: session.paymentStatus,
      amountMinor: session.amountTotal,
      currency: session.currency,
      metadata: { ...session.metadata },
      url: session.status === "open" ? session.hostedUrl : null,
      paymentIntentId: session.paymentIntentId,
      createdAt: new Date(session.created * 1000).toISOString(),
      expiresAt: new Date(session.expiresAt * 1000).toISOString(),
      description: session.lineItems.map((item) => item.name).join(", "),
      cancelUrl: session.cancelUrl,
    };
  }

  private deliver(event: StoredEvent): void {
    if (!this.enabled.has(event.type)) {
      return;
    }
    event.pendingWebhooks = 1;
    this.sender.enqueue(
      event,
      () => this.eventBody(event),
      (ok) => this.recordDelivery(event, ok),
    );
  }

  private eventBody(event: StoredEvent): string {
    // Stripe sends webhook bodies pretty-printed; the signature covers these exact bytes.
    return JSON.stringify(renderEvent(event), null, 2);
  }

  private recordDelivery(event: StoredEvent, ok: boolean): void {
    event.deliverySuccess = ok;
    if (ok) {
      event.pendingWebhooks = 0;
    }
  }

  private takeFault(method: string, path: string): InjectedFault | null {
    const index = this.faults.findIndex(
      (fault) =>
        (fault.method === undefined || fault.method === method) &&
        (fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix)),
    );
    const fault = this.faults[index];
    if (!fault) {
      return null;
    }
    fault.remaining--;
    if (fault.remaining <= 0) {
      this.faults.splice(index, 1);
    }
    return fault;
  }

  private async handle(request: FastifyRequest, reply: FastifyReply, handler: Handler) {
    const requestId = newId("req", 14);
    const path = request.url.split("?")[0] ?? "";
    const query = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
    const version = request.headers["stripe-version"];
    reply.header("request-id", requestId);
    reply.header("stripe-version", typeof version === "string" ? version : API_VERSION);
    reply.type(JSON_TYPE);
    const send = (status: number, body: JsonObject) =>
      reply.status(status).send(JSON.stringify(body, null, 2));
    const fail = (status: number, error: StripeErrorBody) =>
      send(status, renderError(error, requestId));

    const authorization = request.headers.authorization;
    const apiKey = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : null;
    if (!apiKey) {
      return fail(401, {
        type: "invalid_request_error",
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      });
    }
    if (apiKey !== this.secrets.secretKey) {
      return fail(401, {
        type: "invalid_request_error",
        message: `Invalid API Key provided: ${apiKey.slice(0, 8)}${"*".repeat(Math.max(0, apiKey.length - 12))}${apiKey.slice(-4)}`,
      });
    }

    const fault = this.takeFault(request.method, path);
    if (fault) {
      if (fault.shouldRetry !== undefined) {
        reply.header("stripe-should-retry", String(fault.shouldRetry));
      }
      return fail(fault.status, fault.error);
    }

    this.tick();
    const params: FormObject =
      request.method === "GET"
        ? parseStripeForm(query)
        : ((request.body as FormObject | undefined) ?? {});
    const rawKey = request.headers["idempotency-key"];
    const idempotencyKey =
      request.method === "POST" && typeof rawKey === "string" && rawKey !== "" ? rawKey : null;
    const storeKey = idempotencyKey === null ? null : `${apiKey}\n${idempotencyKey}`;
    const fingerprint = JSON.stringify([request.method, path, params]);
    if (idempotencyKey !== null && storeKey !== null) {
      if (idempotencyKey.length > 255) {
        return fail(400, {
          type: "invalid_request_error",
          message: "Idempotency keys can be no longer than 255 characters.",
        });
      }
      reply.header("idempotency-key", idempotencyKey);
      const stored = this.idempotency.get(storeKey);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          return fail(400, {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          });
        }
        reply.header("idempotent-replayed", "true");
        reply.header("original-request", stored.requestId);
        return reply.status(stored.status).send(stored.payload);
      }
    }

    let status = 200;
    let body: JsonObject;
    try {
      body = handler({ params, requestId, idempotencyKey }, request);
    } catch (error) {
      if (!(error instanceof StripeApiError)) {
        throw error;
      }
      status = error.status;
      body = renderError(error.body, requestId);
    }
    const payload = JSON.stringify(body, null, 2);
    // Stripe stores a result once the endpoint has started executing; requests refused by
    // validation (400/404) are not stored, so a corrected retry with the same key works.
    if (storeKey !== null && status !== 400 && status !== 404) {
      this.idempotency.set(storeKey, { fingerprint, status, payload, requestId });
    }
    return reply.status(status).send(payload);
  }

  private apiRoutes(app: FastifyInstance): void {
    const route = (method: "GET" | "POST", url: string, handler: Handler) =>
      app.route({
        method,
        url,
        handler: (request, reply) => this.handle(request, reply, handler),
      });
    const eventRequest = (context: ApiContext) => ({
      id: context.requestId,
      idempotencyKey: context.idempotencyKey,
    });

    route("POST", "/v1/checkout/sessions", (context) => {
      const expand = expansions(context.params, ["payment_intent", "line_items"]);
      const { expand: _ignored, ...rest } = context.params;
      const input = parseSessionCreate(rest);
      const session = this.account.createSession(
        input,
        (id) => `${this.options.selfBaseUrl()}/c/pay/${id}`,
      );
      return this.renderSessionExpanded(session, expand);
    });

    route("GET", "/v1/checkout/sessions/:id", (context, request) => {
      const expand = expansions(context.params, ["payment_intent", "line_items"]);
      return this.renderSessionExpanded(this.account.session(idOf(request)), expand);
    });

    route("POST", "/v1/checkout/sessions/:id/expire", (context, request) => {
      rejectUnknown(context.params, new Set(["expand"]));
      const session = this.account.expireSession(idOf(request), eventRequest(context));
      return renderSession(session);
    });

    route("GET", "/v1/checkout/sessions/:id/line_items", (context, request) => {
      rejectUnknown(context.params, new Set(["limit", "starting_after", "ending_before"]));
      const session = this.account.session(idOf(request));
      return {
        object: "list",
        data: session.lineItems.map(renderLineItem),
        has_more: false,
        url: `/v1/checkout/sessions/${session.id}/line_items`,
      };
    });

    route("GET", "/v1/payment_intents/:id", (context, request) => {
      const expand = expansions(context.params, ["latest_charge"]);
      const intent = this.account.intent(idOf(request));
      const rendered = renderPaymentIntent(intent);
      if (expand.has("latest_charge") && intent.latestChargeId) {
        rendered.latest_charge = this.account.renderCharge(
          this.account.charge(intent.latestChargeId),
        );
      }
      return rendered;
    });

    route("GET", "/v1/charges/:id", (_context, request) =>
      this.account.renderCharge(this.account.charge(idOf(request))),
    );

    route("POST", "/v1/refunds", (context) => {
      const params = context.params;
      rejectUnknown(params, new Set(["payment_intent", "charge", "amount", "reason", "metadata"]));
      const target = formString(params.payment_intent) ?? formString(params.charge);
      if (target === undefined) {
        throw invalidRequest(
          "One of the following params should be provided for this request: payment_intent or charge.",
          undefined,
          "parameter_missing",
        );
      }
      const reason = formString(params.reason) ?? null;
      if (
        reason !== null &&
        !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)
      ) {
        throw invalidRequest(
          `Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer`,
          "reason",
        );
      }
      const charge = this.account.paidChargeFor(
        target,
        params.payment_intent === undefined ? "charge" : "payment_intent",
      );
      const refund = this.account.refund(
        charge,
        {
          amount: integerParam(params.amount, "amount"),
          reason,
          metadata: metadataParam(params.metadata, "metadata"),
        },
        eventRequest(context),
      );
      return renderRefund(refund);
    });

    route("GET", "/v1/refunds/:id", (_context, request) => {
      const refund = this.account.refunds.get(idOf(request));
      if (!refund) {
        throw noSuch("refund", idOf(request));
      }
      return renderRefund(refund);
    });

    route("GET", "/v1/disputes/:id", (_context, request) => {
      const dispute = this.account.disputes.get(idOf(request));
      if (!dispute) {
        throw noSuch("dispute", idOf(request));
      }
      return renderDispute(dispute);
    });

    route("GET", "/v1/events", (context) => this.listEvents(context.params));
    route("GET", "/v1/events/:id", (_context, request) =>
      renderEvent(this.account.event(idOf(request))),
    );

    app.all("/v1/*", (request, reply) =>
      this.handle(request, reply, () => {
        throw new StripeApiError(404, {
          type: "invalid_request_error",
          message: `Unrecognized request URL (${request.method}: ${request.url.split("?")[0]}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        });
      }),
    );
  }

  private renderSessionExpanded(session: SessionState, expand: ReadonlySet<string>): JsonObject {
    const rendered = renderSession(session);
    if (expand.has("payment_intent") && session.paymentIntentId) {
      rendered.payment_intent = renderPaymentIntent(this.account.intent(session.paymentIntentId));
    }
    if (expand.has("line_items")) {
      rendered.line_items = {
        object: "list",
        data: session.lineItems.map(renderLineItem),
        has_more: false,
        url: `/v1/checkout/sessions/${session.id}/line_items`,
      };
    }
    return rendered;
  }

  private listEvents(params: FormObject): JsonObject {
    rejectUnknown(
      params,
      new Set([
        "created",
        "type",
        "types",
        "limit",
        "starting_after",
        "ending_before",
        "delivery_success",
      ]),
    );
    const limit = integerParam(params.limit, "limit") ?? 10;
    if (limit < 1 || limit > 100) {
      throw invalidRequest(
        limit < 1
          ? "This value must be greater than or equal to 1."
          : "This value must be less than or equal to 100.",
        "limit",
      );
    }
    const created = createdFilter(params.created);
    const typeMatch = typeFilter(params);
    const deliverySuccess = formString(params.delivery_success);
    const startingAfter = formString(params.starting_after);
    const endingBefore = formString(params.ending_before);
    if (startingAfter !== undefined && endingBefore !== undefined) {
      throw invalidRequest(
        "You may only specify one of these parameters: ending_before, starting_after.",
        "starting_after",
      );
    }
    const cursorOf = (id: string, param: string) => {
      const event = this.account.events.find((candidate) => candidate.id === id);
      if (!event) {
        throw noSuch("event", id, param);
      }
      return event.seq;
    };

    // Newest first, as Stripe lists; cursors compare by creation order.
    let matching = this.account
      .retainedEvents()
      .filter(
        (event) =>
          created(event.created) &&
          typeMatch(event.type) &&
          (deliverySuccess === undefined || event.deliverySuccess === (deliverySuccess === "true")),
      );
    let page: StoredEvent[];
    let hasMore: boolean;
    if (endingBefore !== undefined) {
      const seq = cursorOf(endingBefore, "ending_before");
      matching = matching.filter((event) => event.seq > seq);
      page = matching.slice(Math.max(0, matching.length - limit));
      hasMore = matching.length > limit;
    } else {
      if (startingAfter !== undefined) {
        const seq = cursorOf(startingAfter, "starting_after");
        matching = matching.filter((event) => event.seq < seq);
      }
      page = matching.slice(0, limit);
      hasMore = matching.length > limit;
    }
    return {
      object: "list",
      data: page.map((event) => renderEvent(event)),
      has_more: hasMore,
      url: "/v1/events",
    };
  }

  private pageRoutes(app: FastifyInstance): void {
    const sessionOr404 = (request: FastifyRequest, reply: FastifyReply) => {
      this.tick();
      const session = this.account.sessions.get(idOf(request));
      if (!session) {
        reply.status(404).type("text/html; charset=utf-8").send("<p>No such checkout session.</p>");
        return null;
      }
      return session;
    };

    app.get("/c/pay/:id", async (request, reply) => {
      const session = sessionOr404(request, reply);
      if (!session) {
        return reply;
      }
      const declined = /[?&]declined=1\b/.test(request.url);
      return reply
        .type("text/html; charset=utf-8")
        .send(checkoutPage(session, declined ? "Your card was declined. Try again." : null));
    });

    for (const outcome of ["pay", "fail"] as const) {
      app.post(`/c/pay/:id/${outcome}`, async (request, reply) => {
        const session = sessionOr404(request, reply);
        if (!session) {
          return reply;
        }
        const page = `/c/pay/${encodeURIComponent(session.id)}`;
        if (session.status !== "open") {
          return reply.redirect(page, 303);
        }
        this.account.pay(session.id, outcome === "pay" ? "succeeded" : "failed", "card");
        // The browser lands on the app's success page after the app has heard about it.
        await this.idle();
        if (outcome === "fail") {
          return reply.redirect(`${page}?declined=1`, 303);
        }
        const success = session.successUrl?.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id);
        return reply.redirect(success ?? page, 303);
      });
    }
  }
}

function idOf(request: FastifyRequest): string {
  const params = request.params as { id?: string };
  return params.id ?? "";
}

function expansions(params: FormObject, allowed: readonly string[]): ReadonlySet<string> {
  const list = formList(params.expand) ?? [];
  const out = new Set<string>();
  list.forEach((entry, index) => {
    const path = typeof entry === "string" ? entry : "";
    if (!allowed.includes(path)) {
      throw invalidRequest(`This property cannot be expanded (${path}).`, `expand[${index}]`);
    }
    out.add(path);
  });
  return out;
}

function createdFilter(value: FormObject[string] | undefined): (created: number) => boolean {
  if (value === undefined) {
    return () => true;
  }
  if (typeof value === "string") {
    const exact = integerParam(value, "created");
    return (created) => created === exact;
  }
  if (Array.isArray(value)) {
    throw invalidRequest("Invalid object", "created", "parameter_invalid_object");
  }
  rejectUnknown(value, new Set(["gt", "gte", "lt", "lte"]));
  const gt = integerParam(value.gt, "created[gt]");
  const gte = integerParam(value.gte, "created[gte]");
  const lt = integerParam(value.lt, "created[lt]");
  const lte = integerParam(value.lte, "created[lte]");
  return (created) =>
    (gt === null || created > gt) &&
    (gte === null || created >= gte) &&
    (lt === null || created < lt) &&
    (lte === null || created <= lte);
}

function typeFilter(params: FormObject): (type: string) => boolean {
  const single = formString(params.type);
  const many = params.types === undefined ? null : formList(params.types);
  if (single !== undefined && many !== null) {
    throw invalidRequest("You may only specify one of these parameters: type, types.", "types");
  }
  if (many !== null) {
    const names = many.filter((entry): entry is string => typeof entry === "string");
    if (names.length !== many.length) {
      throw invalidRequest("Invalid array", "types", "parameter_invalid_array");
    }
    if (names.length > 20) {
      throw invalidRequest("You may pass at most 20 event types.", "types");
    }
    return (type) => names.includes(type);
  }
  if (single !== undefined) {
    // `type` accepts `*` wildcards, e.g. `checkout.session.*`.
    const pattern = new RegExp(
      `^${single
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    return (type) => pattern.test(type);
  }
  return () => true;
}
