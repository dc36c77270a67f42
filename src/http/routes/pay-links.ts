import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { type PayLinkPageDeps, startPayLinkCheckout, viewPayLink } from "../../app/pay-links.js";
import { payLinkPage } from "../pages/pay-link-page.js";
import { preparePublicPages } from "../pages/public-pages.js";

// GET /p/:token shows the balance (fresh from QuickBooks) and a Pay button; only the button's
// POST creates a Stripe Checkout Session and redirects to it, so link previewers that fetch
// the URL never start a payment.

export interface PayLinkRouteDeps extends PayLinkPageDeps {
  now(): Date;
  rateLimitPerMinute: number;
}

export function payLinkRoutes(deps: PayLinkRouteDeps): FastifyPluginAsync {
  return async (app) => {
    await preparePublicPages(app, { rateLimitPerMinute: deps.rateLimitPerMinute });

    // The path is the token, a bearer secret: keep it out of the routine request log lines.
    const quiet = { logLevel: "warn" as const };
    const send = (reply: FastifyReply, page: { status: number; html: string }) =>
      reply.status(page.status).type("text/html; charset=utf-8").send(page.html);

    app.get<{ Params: { token: string } }>("/p/:token", quiet, async (request, reply) => {
      const { token } = request.params;
      const view = await viewPayLink(deps, token, deps.now());
      return send(reply, payLinkPage(view, `/p/${token}`));
    });

    app.post<{ Params: { token: string } }>("/p/:token", quiet, async (request, reply) => {
      const { token } = request.params;
      const outcome = await startPayLinkCheckout(deps, token, deps.now());
      if (outcome.kind === "checkout") {
        return reply.redirect(outcome.url, 303);
      }
      // Settled states are shown by the GET, so a refresh never posts again.
      if (outcome.kind === "paid" || outcome.kind === "processing" || outcome.kind === "payable") {
        return reply.redirect(`/p/${token}`, 303);
      }
      return send(reply, payLinkPage(outcome, `/p/${token}`));
    });
  };
}
