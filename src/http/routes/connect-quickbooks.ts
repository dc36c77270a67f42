import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { z } from "zod";
import type { Logger } from "../../app/ports.js";
import type { QuickBooksConnector } from "../../app/quickbooks-connect-port.js";

// The OAuth 2 connect flow: /connect/quickbooks sends the admin to Intuit's consent page with
// a signed `state` naming the company; the callback checks it, stores the tokens and starts
// the import. State is signed with a per-process secret, so a consent started before a
// restart simply has to be started again.

export interface ConnectQuickBooksDeps {
  connector: QuickBooksConnector;
  /** Signs `state`; the same on every instance so a consent may return to any of them. */
  stateKey: Buffer;
  now(): Date;
  /** PUBLIC_BASE_URL: the callback URL Intuit redirected to, as registered with the app. */
  publicBaseUrl: string;
  logger: Logger;
}

const startQuery = z.object({ company: z.string().min(1) });
const callbackQuery = z.object({
  code: z.string().min(1).optional(),
  state: z.string().min(1).optional(),
  realmId: z.string().min(1).optional(),
  error: z.string().optional(),
});

const STATE_MAX_AGE_MS = 30 * 60_000;

function page(reply: FastifyReply, status: number, title: string, message: string) {
  const escapeHtml = (text: string) =>
    text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return reply
    .status(status)
    .type("text/html; charset=utf-8")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body style="font-family:system-ui;max-width:40rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
    );
}

export function connectQuickBooksRoutes(deps: ConnectQuickBooksDeps): FastifyPluginAsync {
  const sign = (value: string) =>
    createHmac("sha256", deps.stateKey).update(value).digest("base64url");

  // company . issued-at (ms) . nonce . signature
  const makeState = (companyId: string) => {
    const body = `${companyId}.${deps.now().getTime()}.${randomBytes(9).toString("base64url")}`;
    return `${body}.${sign(body)}`;
  };

  const readState = (state: string): string | null => {
    const cut = state.lastIndexOf(".");
    if (cut < 0) {
      return null;
    }
    const body = state.slice(0, cut);
    const given = Buffer.from(state.slice(cut + 1));
    const expected = Buffer.from(sign(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return null;
    }
    const [companyId, issuedAt] = body.split(".");
    const age = deps.now().getTime() - Number(issuedAt);
    return companyId && Number.isFinite(age) && age >= 0 && age <= STATE_MAX_AGE_MS
      ? companyId
      : null;
  };

  return async (app) => {
    app.get("/connect/quickbooks", async (request, reply) => {
      const query = startQuery.safeParse(request.query);
      if (!query.success) {
        return page(
          reply,
          400,
          "Which company?",
          "Open this page as /connect/quickbooks?company=<company id>.",
        );
      }
      if (!(await deps.connector.companyExists(query.data.company))) {
        return page(reply, 404, "Unknown company", `There is no company ${query.data.company}.`);
      }
      return reply.redirect(deps.connector.authorizeUrl(makeState(query.data.company)));
    });

    app.get("/connect/quickbooks/callback", async (request, reply) => {
      const query = callbackQuery.safeParse(request.query);
      if (!query.success || query.data.error) {
        const reason = query.success ? query.data.error : "the callback was malformed";
        return page(
          reply,
          400,
          "QuickBooks was not connected",
          `Intuit answered: ${reason}. You can try again.`,
        );
      }
      const companyId = query.data.state ? readState(query.data.state) : null;
      if (!companyId || !query.data.code || !query.data.realmId) {
        return page(
          reply,
          400,
          "QuickBooks was not connected",
          "This consent link is invalid or expired. Start again from /connect/quickbooks.",
        );
      }
      const callbackUrl = `${deps.publicBaseUrl}${request.url}`;
      try {
        const { realmId } = await deps.connector.connect(companyId, callbackUrl);
        deps.connector.startImport(companyId);
        deps.logger.info(
          { provider: "quickbooks", companyId, realmId },
          "QuickBooks connected; import started",
        );
      } catch (error) {
        deps.logger.warn(
          {
            provider: "quickbooks",
            companyId,
            err: error instanceof Error ? error.message : String(error),
          },
          "QuickBooks connection failed",
        );
        return page(
          reply,
          502,
          "QuickBooks was not connected",
          "Intuit refused the authorization code. Please try again.",
        );
      }
      return page(
        reply,
        200,
        "QuickBooks connected",
        "Customers and open invoices are being imported now; progress is in the logs, or run `npx duetext sync` to watch it.",
      );
    });
  };
}
