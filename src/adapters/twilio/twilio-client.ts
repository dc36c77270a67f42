import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type * as ResponseModule from "twilio/lib/http/response.js";

// One place builds the SDK client. With a base URL (the sandbox emulator) every Twilio host
// (api, lookups, messaging, …) is rewritten to it, which `client.api.baseUrl` alone would not
// do (integrations.md §0). Without one, the SDK talks to Twilio itself.

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** e.g. http://127.0.0.1:3001 in the sandbox; omitted in production. */
  baseUrl?: string;
  /** Per-request timeout; the SDK's default is 30 s. */
  timeoutMs?: number;
}

class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs: number | undefined,
  ) {
    super(timeoutMs === undefined ? {} : { timeout: timeoutMs });
  }

  override request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<ResponseModule.default<TData>> {
    const original = new URL(opts.uri);
    return super.request({ ...opts, uri: `${this.baseUrl}${original.pathname}${original.search}` });
  }
}

export function createTwilioClient(options: TwilioClientOptions): twilio.Twilio {
  const baseUrl = options.baseUrl?.replace(/\/+$/, "");
  const httpClient = baseUrl
    ? new BaseUrlRequestClient(baseUrl, options.timeoutMs)
    : new twilio.RequestClient(
        options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs },
      );
  // autoRetry stays off: the outbox decides when to retry, from AppError.retryable.
  return twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
}
