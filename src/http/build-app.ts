import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import type { Logger } from "pino";
import { errorHandler } from "./error-handler.js";
import { type HealthCheck, healthRoutes } from "./routes/health.js";

// Builds the HTTP app without listening: src/main.ts listens, tests use inject().

export interface HttpDeps {
  health: HealthCheck;
  /** Further route plugins built by the composition root (provider webhooks, pages). */
  routes?: FastifyPluginAsync[];
}

export interface HttpOptions {
  /** The process logger (redacting); omitted in tests that want silence. */
  logger?: Logger;
}

export async function buildApp(deps: HttpDeps, options: HttpOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify(
    options.logger ? { loggerInstance: options.logger } : { logger: false },
  ) as unknown as FastifyInstance;
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: "NOT_FOUND",
      message: `No route for ${request.method} ${request.url.split("?")[0]}`,
      requestId: request.id,
    }),
  );
  await app.register(healthRoutes(deps.health));
  for (const routes of deps.routes ?? []) {
    await app.register(routes);
  }
  return app;
}
