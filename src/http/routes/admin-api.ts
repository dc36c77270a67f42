import { timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { mergeSettings, type ReviewStore } from "../../app/review-queue.js";
import {
  type CompanySettingsInput,
  companySettingsSchema,
  parseCompanySettings,
} from "../../domain/company-settings.js";
import { AppError } from "../../domain/errors.js";

// The admin API staff tools use until the console exists: the review queue (approve or
// reject held reminders, all or per item), invoices waiting for approval, and a company's
// sending settings. Bearer ADMIN_API_TOKEN; with no token configured it answers loopback only.

export interface AdminApiDeps {
  review: ReviewStore;
  /** ADMIN_API_TOKEN; null: only requests from this machine are served. */
  token: string | null;
  now(): Date;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
const companyParams = z.object({ companyId: z.string().min(1) });
const decisionBody = z
  .object({ ids: z.array(z.string().min(1)).min(1).optional() })
  .strict()
  .default({});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", `Invalid ${what}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

function authorized(request: FastifyRequest, token: string | null): boolean {
  if (token === null) {
    return LOOPBACK.test(request.ip);
  }
  const header = request.headers.authorization ?? "";
  const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7) : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function adminApiRoutes(deps: AdminApiDeps): FastifyPluginAsync {
  return async (app) => {
    app.addHook("onRequest", async (request, reply) => {
      if (!request.url.startsWith("/api/")) {
        return;
      }
      if (!authorized(request, deps.token)) {
        return reply.status(401).send({
          error: "UNAUTHORIZED",
          message:
            deps.token === null
              ? "The admin API answers this machine only until ADMIN_API_TOKEN is set"
              : "Send Authorization: Bearer <ADMIN_API_TOKEN>",
        });
      }
    });

    app.get("/api/companies", async () => ({ companies: await deps.review.companyIds() }));

    app.get("/api/companies/:companyId/review", async (request) => {
      const { companyId } = parse(companyParams, request.params, "company");
      return { held: await deps.review.heldReminders(companyId) };
    });

    app.post("/api/companies/:companyId/review/approve", async (request) => {
      const { companyId } = parse(companyParams, request.params, "company");
      const { ids } = parse(decisionBody, request.body ?? {}, "approval (ids optional)");
      return { approved: await deps.review.approveHeld(companyId, ids ?? null, deps.now()) };
    });

    app.post("/api/companies/:companyId/review/reject", async (request) => {
      const { companyId } = parse(companyParams, request.params, "company");
      const { ids } = parse(decisionBody, request.body ?? {}, "rejection (ids optional)");
      return { rejected: await deps.review.rejectHeld(companyId, ids ?? null, deps.now()) };
    });

    app.get("/api/companies/:companyId/approvals", async (request) => {
      const { companyId } = parse(companyParams, request.params, "company");
      return { invoices: await deps.review.invoicesAwaitingApproval(companyId) };
    });

    app.post("/api/companies/:companyId/invoices/:invoiceId/approve", async (request) => {
      const { companyId, invoiceId } = parse(
        companyParams.extend({ invoiceId: z.string().min(1) }),
        request.params,
        "invoice",
      );
      if (!(await deps.review.approveInvoice(companyId, invoiceId, deps.now()))) {
        throw new AppError("NOT_FOUND", `Invoice ${invoiceId} is not waiting for approval`);
      }
      return { approved: invoiceId };
    });

    app.get("/api/companies/:companyId/settings", async (request) => {
      const { companyId } = parse(companyParams, request.params, "company");
      return { settings: parseCompanySettings(await readSettings(deps, companyId)) };
    });

    app.patch("/api/companies/:companyId/settings", async (request) => {
      const { companyId } = parse(companyParams, request.params, "company");
      // The merged whole is validated below; the patch only has to be an object.
      const patch = parse(
        z.record(z.string(), z.unknown()),
        request.body ?? {},
        "settings (see GET for the shape)",
      ) as CompanySettingsInput;
      const current = parseCompanySettings(await readSettings(deps, companyId));
      const next = parse(companySettingsSchema, mergeSettings(current, patch), "settings");
      await deps.review.writeSettings(companyId, next);
      return { settings: next };
    });
  };
}

async function readSettings(deps: AdminApiDeps, companyId: string): Promise<unknown> {
  const stored = await deps.review.readSettings(companyId);
  if (stored === null) {
    throw new AppError("NOT_FOUND", `No company ${companyId}`);
  }
  return stored;
}
