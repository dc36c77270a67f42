import OAuthClient from "intuit-oauth";
import QuickBooksModule from "node-quickbooks";
import {
  QuickBooksEmulator,
  type QuickBooksEmulatorConfig,
} from "../../../src/sandbox/emulators/quickbooks/quickbooks-emulator.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { startEmulator } from "../../helpers/start-emulator.js";

// Shared set-up for the QuickBooks tests: the emulator on a loopback port and the real SDKs
// pointed at it, the way the app reaches it.

export const QBO = {
  clientId: "qbo-client-id",
  clientSecret: "qbo-client-secret",
  webhookVerifierToken: "qbo-verifier-token",
  realmId: "9130357766",
  redirectUri: "http://127.0.0.1/connect/quickbooks/callback",
} as const;

type QuickBooksClass = typeof QuickBooksModule.default;
export const QuickBooks: QuickBooksClass =
  (QuickBooksModule as unknown as { default?: QuickBooksClass }).default ??
  (QuickBooksModule as unknown as QuickBooksClass);

export async function startQuickBooks(
  options: {
    clock?: FakeClock;
    appBaseUrl?: string;
    config?: Partial<QuickBooksEmulatorConfig>;
  } = {},
) {
  const clock = options.clock ?? new FakeClock(new Date("2026-11-20T15:00:00Z"));
  const logger = new MemoryLogger();
  const started = await startEmulator(
    (selfBaseUrl) =>
      new QuickBooksEmulator(
        { clock, logger, appBaseUrl: options.appBaseUrl ?? "http://127.0.0.1:9", selfBaseUrl },
        {
          clientId: QBO.clientId,
          clientSecret: QBO.clientSecret,
          webhookVerifierToken: QBO.webhookVerifierToken,
          realmId: QBO.realmId,
          webhooks: options.appBaseUrl !== undefined,
          ...options.config,
        },
      ),
  );
  return { ...started, clock, logger };
}

/** The consent dance as a browser would do it, through intuit-oauth: returns the callback URL. */
export async function consent(baseUrl: string): Promise<string> {
  const client = oauthClient(baseUrl);
  const authorize = client.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: "st-1" });
  const response = await fetch(authorize, { redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) {
    throw new Error(`authorize answered ${response.status}`);
  }
  return location;
}

export function oauthClient(baseUrl: string): OAuthClient {
  const client = new OAuthClient({
    clientId: QBO.clientId,
    clientSecret: QBO.clientSecret,
    environment: "sandbox",
    redirectUri: QBO.redirectUri,
  });
  client.setAuthorizeURLs({
    authorizeEndpoint: `${baseUrl}/connect/oauth2`,
    tokenEndpoint: `${baseUrl}/oauth2/v1/tokens/bearer`,
    revokeEndpoint: `${baseUrl}/v2/oauth2/tokens/revoke`,
    userInfoEndpoint: `${baseUrl}/v1/openid_connect/userinfo`,
  });
  return client;
}

export function sdk(baseUrl: string, accessToken: string, realmId: string = QBO.realmId) {
  const client = new QuickBooks(
    QBO.clientId,
    QBO.clientSecret,
    accessToken,
    false,
    realmId,
    true,
    false,
    "75",
    "2.0",
    null,
  );
  client.endpoint = `${baseUrl}/v3/company/`;
  return client;
}

/** Calls a node-quickbooks method; resolves with data or rejects with the SDK's error. */
export function call<T>(start: (callback: (error: unknown, data?: unknown) => void) => void) {
  return new Promise<T>((resolve, reject) => {
    start((error, data) => (error ? reject(error) : resolve(data as T)));
  });
}

/** The error a node-quickbooks call failed with (for asserting on fault shapes). */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { response?: { status: number; data: unknown } };
  }
  throw new Error("expected the call to fail");
}
