import OAuthClient from "intuit-oauth";
import { AppError } from "../../domain/errors.js";

// Intuit's OAuth 2 through intuit-oauth: consent URL, code exchange, refresh, revoke. A new
// OAuthClient per operation, because the SDK keeps the last token on the instance and this
// object serves every company at once.

export interface QuickBooksOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: "sandbox" | "production";
  /**
   * Another OAuth host (the emulator's base URL). intuit-oauth stores these URLs in static
   * fields, so they apply process-wide: one QuickBooks OAuth host per process.
   */
  oauthBaseUrl?: string | undefined;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresInSeconds: number;
  refreshTokenExpiresInSeconds: number;
}

/** The refresh token is dead (revoked, expired, superseded): only a new consent helps. */
export class RefreshRejectedError extends AppError {
  constructor(reason: string) {
    super("PROVIDER_REJECTED", `QuickBooks refused the refresh token: ${reason}`, {
      retryable: false,
      context: { provider: "quickbooks" },
    });
  }
}

export class QuickBooksOAuth {
  constructor(private readonly options: QuickBooksOAuthOptions) {
    if (options.oauthBaseUrl) {
      const base = options.oauthBaseUrl.replace(/\/$/, "");
      this.client().setAuthorizeURLs({
        authorizeEndpoint: `${base}/connect/oauth2`,
        tokenEndpoint: `${base}/oauth2/v1/tokens/bearer`,
        revokeEndpoint: `${base}/v2/oauth2/tokens/revoke`,
        userInfoEndpoint: `${base}/v1/openid_connect/userinfo`,
      });
    }
  }

  authorizeUrl(state: string): string {
    return this.client().authorizeUri({ scope: [OAuthClient.scopes.Accounting], state });
  }

  /** Exchanges the callback URL (with code, state, realmId) for the first token pair. */
  async exchange(callbackUrl: string): Promise<IssuedTokens & { realmId: string }> {
    const client = this.client();
    const response = await guard(() => client.createToken(callbackUrl));
    const realmId = String(client.getToken().realmId ?? "");
    if (!realmId) {
      throw new AppError("VALIDATION_FAILED", "The QuickBooks callback carried no realmId");
    }
    return { ...issued(response.json), realmId };
  }

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    // refreshUsingToken, not refresh(): the latter re-validates a locally cached expiry.
    const response = await guard(() => this.client().refreshUsingToken(refreshToken));
    return issued(response.json);
  }

  async revoke(token: string): Promise<void> {
    await guard(() => this.client().revoke({ refresh_token: token }));
  }

  private client(): OAuthClient {
    return new OAuthClient({
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
      environment: this.options.environment,
      redirectUri: this.options.redirectUri,
    });
  }
}

function issued(json: unknown): IssuedTokens {
  const body = (json ?? {}) as Record<string, unknown>;
  if (typeof body.access_token !== "string" || typeof body.refresh_token !== "string") {
    throw new AppError("PROVIDER_UNAVAILABLE", "QuickBooks token response without tokens", {
      retryable: true,
    });
  }
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    accessTokenExpiresInSeconds: Number(body.expires_in ?? 3600),
    refreshTokenExpiresInSeconds: Number(body.x_refresh_token_expires_in ?? 8_726_400),
  };
}

/** intuit-oauth errors → AppError; 400/401 from the token endpoint mean the grant is gone. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (raw) {
    const error = (raw ?? {}) as {
      error?: unknown;
      message?: string;
      authResponse?: { response?: { status?: number } };
      response?: { status?: number };
    };
    const status = error.authResponse?.response?.status ?? error.response?.status;
    const reason = typeof error.error === "string" && error.error ? error.error : error.message;
    if (
      reason === "invalid_grant" ||
      reason === "invalid_client" ||
      status === 400 ||
      status === 401 ||
      (raw instanceof Error && /invalid_grant|Unauthorized|Authorize again/i.test(raw.message))
    ) {
      throw new RefreshRejectedError(String(reason ?? `HTTP ${status}`));
    }
    throw new AppError(
      "PROVIDER_UNAVAILABLE",
      `QuickBooks OAuth call failed: ${reason ?? "unknown"}`,
      {
        retryable: true,
        context: { provider: "quickbooks", status: status ?? null },
      },
    );
  }
}
