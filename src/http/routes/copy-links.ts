import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { type CopyLinkPageDeps, copyLinkPdf, viewCopyLink } from "../../app/invoice-copies.js";
import { copyLinkPage } from "../pages/copy-link-page.js";
import type { RenderedPage } from "../pages/pay-link-page.js";
import { preparePublicPages } from "../pages/public-pages.js";

// GET /i/:token shows the invoices a COPY reply named, read from QuickBooks now; each one's
// PDF is fetched from QuickBooks per request and passed through, never stored. Nothing here
// changes anything, so link previewers may fetch it freely.

export interface CopyLinkRouteDeps extends CopyLinkPageDeps {
  now(): Date;
  rateLimitPerMinute: number;
}

export function copyLinkRoutes(deps: CopyLinkRouteDeps): FastifyPluginAsync {
  return async (app) => {
    await preparePublicPages(app, { rateLimitPerMinute: deps.rateLimitPerMinute });

    // The path is the token, a bearer secret: keep it out of the routine request log lines.
    const quiet = { logLevel: "warn" as const };
    const send = (reply: FastifyReply, page: RenderedPage) =>
      reply.status(page.status).type("text/html; charset=utf-8").send(page.html);

    app.get<{ Params: { token: string } }>("/i/:token", quiet, async (request, reply) => {
      const { token } = request.params;
      const view = await viewCopyLink(deps, token, deps.now());
      return send(reply, copyLinkPage(view, `/i/${token}`));
    });

    app.get<{ Params: { token: string; invoiceId: string } }>(
      "/i/:token/invoices/:invoiceId.pdf",
      quiet,
      async (request, reply) => {
        const { token, invoiceId } = request.params;
        const pdf = await copyLinkPdf(deps, token, invoiceId, deps.now());
        if (pdf.kind !== "pdf") {
          return send(reply, copyLinkPage(pdf, `/i/${token}`));
        }
        return reply
          .status(200)
          .type("application/pdf")
          .header("content-disposition", `inline; filename="${pdf.fileName}"`)
          .send(Buffer.from(pdf.body.buffer, pdf.body.byteOffset, pdf.body.byteLength));
      },
    );
  };
}
