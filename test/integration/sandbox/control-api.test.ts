import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { errorHandler } from "../../../src/http/error-handler.js";
import { controlApiRoutes } from "../../../src/sandbox/control-api.js";
import { SandboxClock } from "../../../src/sandbox/sandbox-clock.js";

async function build() {
  const clock = new SandboxClock(new Date("2026-11-20T15:00:00Z"), { frozen: true });
  const settled: string[] = [];
  const app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  await app.register(
    controlApiRoutes({
      clock,
      settle: async () => {
        settled.push(clock.now().toISOString());
      },
      stateSections: { customers: () => [] },
    }),
  );
  return { app, clock, settled };
}

describe("sandbox control API: clock", () => {
  it("advances by an ISO duration, settles at the new time and returns it", async () => {
    const { app, settled } = await build();
    const response = await app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { advance: "P3D" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ clock: "2026-11-23T15:00:00.000Z" });
    // What was due before the move, then the new time (nothing scheduled in between here).
    expect(settled).toEqual(["2026-11-20T15:00:00.000Z", "2026-11-23T15:00:00.000Z"]);
  });

  it("stops at every scheduled moment on the way and lets the app act there", async () => {
    const clock = new SandboxClock(new Date("2026-11-20T12:00:00Z"), { frozen: true });
    const app = Fastify();
    app.setErrorHandler(errorHandler);
    const settled: string[] = [];
    const schedule = ["2026-11-20T14:00:00Z", "2026-11-21T14:00:00Z", "2026-11-25T14:00:00Z"];
    await app.register(
      controlApiRoutes({
        clock,
        settle: async () => {
          settled.push(clock.now().toISOString());
        },
        nextWakeUp: async (after) =>
          schedule.map((at) => new Date(at)).find((at) => at.getTime() > after.getTime()) ?? null,
      }),
    );
    const response = await app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { advance: "P2D" },
    });
    expect(response.json()).toEqual({ clock: "2026-11-22T12:00:00.000Z" });
    expect(settled).toEqual([
      "2026-11-20T12:00:00.000Z",
      "2026-11-20T14:00:00.000Z",
      "2026-11-21T14:00:00.000Z",
      "2026-11-22T12:00:00.000Z",
    ]);
  });

  it("moves to an instant, never back", async () => {
    const { app } = await build();
    const forward = await app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { to: "2026-12-01T15:00:00Z" },
    });
    expect(forward.json()).toEqual({ clock: "2026-12-01T15:00:00.000Z" });
    const back = await app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { to: "2026-11-01T00:00:00Z" },
    });
    expect(back.statusCode).toBe(400);
    expect(back.json().message).toMatch(/only moves forward/);
  });

  it("explains a bad body", async () => {
    const { app, settled } = await build();
    const response = await app.inject({
      method: "POST",
      url: "/_sandbox/clock",
      payload: { advance: "3 days" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/ISO 8601 duration/);
    expect(settled).toEqual([]);
  });

  it("reports the clock and every state section", async () => {
    const { app } = await build();
    const response = await app.inject({ method: "GET", url: "/_sandbox/state" });
    expect(response.json()).toEqual({ clock: "2026-11-20T15:00:00.000Z", customers: [] });
  });
});
