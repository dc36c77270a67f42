import type { FastifyPluginAsync } from "fastify";

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; kind: string; error?: string };
  migrations: { applied: number; known: number; latest: string | null } | null;
  /** Provider connections by status, e.g. { quickbooks: { connected: 1, reconnect_needed: 1 } }. */
  connections?: Record<string, Record<string, number>>;
}

export type HealthCheck = () => Promise<HealthReport>;

export function healthRoutes(check: HealthCheck): FastifyPluginAsync {
  return async (app) => {
    app.get("/healthz", async (_request, reply) => {
      const report = await check();
      return reply
        .status(report.ok ? 200 : 503)
        .send({ status: report.ok ? "ok" : "unavailable", ...report });
    });
  };
}
