import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { loopbackOnlyUnless } from "../../../src/http/routes/loopback-only.js";

async function build(isReal: boolean) {
  const app = Fastify({ logger: false });
  await app.register(
    loopbackOnlyUnless(isReal, async (routes) => {
      routes.post("/webhooks/slack/actions", async () => ({ ok: true }));
    }),
  );
  return app;
}

describe("emulated providers' webhook routes", () => {
  it("answer loopback callers and refuse anyone else, since the emulator's secret is public", async () => {
    const app = await build(false);
    const local = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      remoteAddress: "127.0.0.1",
    });
    expect(local.statusCode).toBe(200);
    const remote = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      remoteAddress: "203.0.113.9",
    });
    expect(remote.statusCode).toBe(403);
  });

  it("are open to the internet once the provider is real (its own signature protects them)", async () => {
    const app = await build(true);
    const remote = await app.inject({
      method: "POST",
      url: "/webhooks/slack/actions",
      remoteAddress: "203.0.113.9",
    });
    expect(remote.statusCode).toBe(200);
  });
});
