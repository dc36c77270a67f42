import formBody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import type { FastifyError, FastifyInstance } from "fastify";
import { somethingWentWrongPage, tooManyRequestsPage } from "./pay-link-page.js";

// What every page reached from a text message shares (`/p/*` and `/i/*`): a per-IP
// rate limit, headers that keep the page out of referrers, search engines and caches, and
// HTML error pages instead of JSON. Call inside the route plugin's own scope.

export interface PublicPageOptions {
  /** Requests per minute per client address across these pages. */
  rateLimitPerMinute: number;
}

const HEADERS: Record<string, string> = {
  "referrer-policy": "no-referrer",
  "x-robots-tag": "noindex, nofollow, noarchive",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // No script anywhere; the only inline part is the stylesheet.
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
};

class TooManyRequests extends Error {
  readonly statusCode = 429;
}

export async function preparePublicPages(
  app: FastifyInstance,
  options: PublicPageOptions,
): Promise<void> {
  // The Pay button posts an empty form; nothing in it is read.
  await app.register(formBody, { bodyLimit: 1024 });
  // In memory per instance: a limit against scraping and hammering, not an accounting of
  // every request. Behind a proxy, `request.ip` is the proxy's unless Fastify trusts it.
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: () => new TooManyRequests("Too many requests"),
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(HEADERS)) {
      reply.header(name, value);
    }
    return payload;
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode === 429) {
      return reply.status(429).type("text/html; charset=utf-8").send(tooManyRequestsPage());
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, "public page failed");
    }
    return reply.status(status).type("text/html; charset=utf-8").send(somethingWentWrongPage());
  });
}
