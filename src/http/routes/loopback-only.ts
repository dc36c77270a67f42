import type { FastifyPluginAsync } from "fastify";

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * An emulated provider's webhook secret is public (the sandbox's development credentials),
 * so unless the provider is real its routes only answer the emulator itself, on loopback.
 */
export function loopbackOnlyUnless(
  isReal: boolean,
  routes: FastifyPluginAsync,
): FastifyPluginAsync {
  if (isReal) {
    return routes;
  }
  return async (app) => {
    app.addHook("onRequest", async (request, reply) => {
      if (!LOOPBACK.test(request.ip)) {
        return reply.status(403).send({
          error: "FORBIDDEN",
          message: "This provider is emulated here; its webhooks are accepted from loopback only",
        });
      }
    });
    await app.register(routes);
  };
}
