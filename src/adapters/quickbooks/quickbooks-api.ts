import QuickBooksModule from "node-quickbooks";
import type { Logger } from "../../app/ports.js";
import { AppError } from "../../domain/errors.js";
import { type LimiterTiming, RealmLimiter, type RealmLimits } from "./realm-limiter.js";

// Every QuickBooks API call goes through `QuickBooksApi.call`: per-realm limits, backoff with
// jitter on 429/5xx/network errors, exactly one refresh-and-retry on 401, and SDK errors turned
// into AppError with the right `retryable`. The SDK is node-quickbooks (callback API), pointed
// at another host through the per-instance `endpoint` (never the process-global statics).

// node-quickbooks is CommonJS (`module.exports = QuickBooks`) but its d.ts says `export default`:
// at runtime the default import is the constructor itself.
type QuickBooksClass = typeof QuickBooksModule.default;
const QuickBooks: QuickBooksClass =
  (QuickBooksModule as unknown as { default?: QuickBooksClass }).default ??
  (QuickBooksModule as unknown as QuickBooksClass);

export type QuickBooksClient = InstanceType<QuickBooksClass>;

export interface QuickBooksCredentials {
  realmId: string;
  accessToken: string;
}

/** Where access tokens come from; QuickBooksConnections implements it over the database. */
export interface QuickBooksTokenSource {
  credentials(companyId: string): Promise<QuickBooksCredentials>;
  /** After a 401: refreshes unless another caller already did, and returns what to retry with. */
  refreshAfterRejection(
    companyId: string,
    rejectedAccessToken: string,
  ): Promise<QuickBooksCredentials>;
}

export interface RetryOptions {
  /** Attempts per call for 429/5xx/network failures (the 401 retry is on top of these). */
  maxAttempts: number;
  baseDelayMs: number;
  /** 429s back off from a higher floor: Intuit suggests about a minute. */
  throttleBaseDelayMs: number;
  maxDelayMs: number;
}

export interface QuickBooksApiOptions {
  clientId: string;
  clientSecret: string;
  environment: "sandbox" | "production";
  /** Another API host, e.g. the emulator's `http://127.0.0.1:3001`; omitted = Intuit's. */
  apiBaseUrl?: string | undefined;
  tokens: QuickBooksTokenSource;
  logger: Logger;
  limits?: RealmLimits;
  retry?: Partial<RetryOptions>;
  timing?: Partial<LimiterTiming>;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 500,
  throttleBaseDelayMs: 15_000,
  maxDelayMs: 60_000,
};

type FailureKind = "unauthorized" | "throttled" | "unavailable" | "rejected" | "not_found";

export interface QuickBooksFailure {
  kind: FailureKind;
  status: number | null;
  code: string | null;
  detail: string;
}

export class QuickBooksApi {
  private readonly limiter: RealmLimiter;
  private readonly retry: RetryOptions;
  private readonly timing: LimiterTiming;
  private readonly random: () => number;

  constructor(private readonly options: QuickBooksApiOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timing = {
      now: options.timing?.now ?? (() => performance.now()),
      sleep:
        options.timing?.sleep ??
        ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    };
    this.limiter = new RealmLimiter(
      options.limits ?? { perMinute: 500, concurrent: 10 },
      this.timing,
    );
    this.random = options.random ?? Math.random;
  }

  /**
   * Runs `operation` with a client for the company's realm. `operation` must build its request
   * body afresh on each call: node-quickbooks mutates the entity it is given (`requestId`).
   */
  async call<T>(
    companyId: string,
    label: string,
    operation: (client: QuickBooksClient) => Promise<T>,
  ): Promise<T> {
    let credentials = await this.options.tokens.credentials(companyId);
    let refreshed = false;
    let attempt = 1;
    for (;;) {
      try {
        const current = credentials;
        return await this.limiter.run(current.realmId, () => operation(this.client(current)));
      } catch (raw) {
        const failure = classify(raw);
        if (failure.kind === "unauthorized" && !refreshed) {
          refreshed = true;
          credentials = await this.options.tokens.refreshAfterRejection(
            companyId,
            credentials.accessToken,
          );
          continue;
        }
        const retryable = failure.kind === "throttled" || failure.kind === "unavailable";
        if (retryable && attempt < this.retry.maxAttempts) {
          const delayMs = this.backoff(attempt, failure.kind === "throttled");
          this.options.logger.warn(
            { provider: "quickbooks", operation: label, status: failure.status, attempt, delayMs },
            "QuickBooks call failed; retrying",
          );
          attempt += 1;
          await this.timing.sleep(delayMs);
          continue;
        }
        throw toAppError(failure, label);
      }
    }
  }

  /** Requests started in the last minute for a realm (client-side budget). */
  startedInWindow(realmId: string): number {
    return this.limiter.startedInWindow(realmId);
  }

  private backoff(attempt: number, throttled: boolean): number {
    const base = throttled ? this.retry.throttleBaseDelayMs : this.retry.baseDelayMs;
    const cap = Math.min(this.retry.maxDelayMs, base * 2 ** (attempt - 1));
    // "Equal jitter": never less than half the step, so retries still spread out.
    return Math.round(cap / 2 + this.random() * (cap / 2));
  }

  private client(credentials: QuickBooksCredentials): QuickBooksClient {
    const client = new QuickBooks(
      this.options.clientId,
      this.options.clientSecret,
      credentials.accessToken,
      false,
      credentials.realmId,
      this.options.environment === "sandbox",
      false,
      "75",
      "2.0",
      null,
    );
    if (this.options.apiBaseUrl) {
      client.endpoint = `${this.options.apiBaseUrl.replace(/\/$/, "")}/v3/company/`;
    }
    return client;
  }
}

/** Wraps one node-quickbooks callback method in a promise. */
export function invoke<T>(start: (callback: (error: unknown, data?: unknown) => void) => void) {
  return new Promise<T>((resolve, reject) => {
    start((error, data) => (error ? reject(error) : resolve(data as T)));
  });
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ERR_NETWORK",
]);

/** What a node-quickbooks failure means, from the three shapes QuickBooks answers with. */
export function classify(raw: unknown): QuickBooksFailure {
  const error = (raw ?? {}) as {
    response?: { status?: number; data?: unknown };
    code?: string;
    message?: string;
    Fault?: unknown;
  };
  if (error.response && typeof error.response.status === "number") {
    const status = error.response.status;
    const { code, detail } = faultDetail(error.response.data);
    const kind: FailureKind =
      status === 401
        ? "unauthorized"
        : status === 429
          ? "throttled"
          : status >= 500
            ? "unavailable"
            : status === 404
              ? "not_found"
              : "rejected";
    return { kind, status, code, detail: detail ?? `HTTP ${status}` };
  }
  if (error.Fault) {
    // A 2xx whose body carries a Fault: node-quickbooks hands us the body as the error.
    const { code, detail } = faultDetail(raw);
    return { kind: "rejected", status: 200, code, detail: detail ?? "Fault in response" };
  }
  if (error.code && NETWORK_CODES.has(error.code)) {
    return { kind: "unavailable", status: null, code: error.code, detail: error.code };
  }
  return {
    kind: "unavailable",
    status: null,
    code: null,
    detail: error.message ?? "unknown QuickBooks failure",
  };
}

function faultDetail(data: unknown): { code: string | null; detail: string | null } {
  if (typeof data === "string" || Buffer.isBuffer(data)) {
    // 429s arrive as XML even when JSON was requested.
    const text = data.toString();
    const code = /<Error code="([^"]+)"/.exec(text)?.[1] ?? null;
    const detail = /<Detail>([^<]*)<\/Detail>/.exec(text)?.[1] ?? null;
    return { code, detail };
  }
  if (typeof data !== "object" || data === null) {
    return { code: null, detail: null };
  }
  const body = data as {
    Fault?: { Error?: Array<{ Message?: string; Detail?: string; code?: string }> };
    fault?: { error?: Array<{ message?: string; detail?: string; code?: string }> };
    code?: string;
    detail?: string;
  };
  const upper = body.Fault?.Error?.[0];
  if (upper) {
    return { code: upper.code ?? null, detail: upper.Detail ?? upper.Message ?? null };
  }
  const lower = body.fault?.error?.[0];
  if (lower) {
    return { code: lower.code ?? null, detail: lower.detail ?? lower.message ?? null };
  }
  return { code: body.code ?? null, detail: body.detail ?? null };
}

// The raw SDK error is not kept as `cause`: it carries the request config, bearer token included.
function toAppError(failure: QuickBooksFailure, label: string): AppError {
  const context = {
    provider: "quickbooks",
    operation: label,
    status: failure.status,
    code: failure.code,
  };
  const message = `QuickBooks ${label} failed: ${failure.detail}`;
  switch (failure.kind) {
    case "throttled":
    case "unavailable":
      return new AppError("PROVIDER_UNAVAILABLE", message, { retryable: true, context });
    case "not_found":
      return new AppError("NOT_FOUND", message, { retryable: false, context });
    case "unauthorized":
    case "rejected":
      return new AppError("PROVIDER_REJECTED", message, { retryable: false, context });
  }
}
