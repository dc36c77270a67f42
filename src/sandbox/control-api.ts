import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { AppError } from "../domain/errors.js";
import { parseIsoDuration } from "../domain/iso-duration.js";
import type { SandboxClock } from "./sandbox-clock.js";

// The sandbox control API (DESIGN §2), a stable contract that tests and demos drive. Every
// call that changes state answers only once the app has settled.

export interface ControlApiDeps {
  clock: SandboxClock;
  /** Runs workers and waits for emulators until idle. */
  settle(): Promise<unknown>;
  /** Sections of `GET /_sandbox/state`, contributed by the emulators and the app. */
  stateSections: Record<string, () => Promise<unknown> | unknown>;
}

const clockBody = z.union([
  z.object({ advance: z.string().min(2) }).strict(),
  z.object({ to: z.iso.datetime({ offset: true }) }).strict(),
]);

export function controlApiRoutes(deps: ControlApiDeps): FastifyPluginAsync {
  return async (app) => {
    app.get("/_sandbox/state", async () => {
      const sections: Record<string, unknown> = { clock: deps.clock.now().toISOString() };
      for (const [name, read] of Object.entries(deps.stateSections)) {
        sections[name] = await read();
      }
      return sections;
    });

    app.post("/_sandbox/clock", async (request) => {
      const body = clockBody.safeParse(request.body);
      if (!body.success) {
        throw new AppError(
          "VALIDATION_FAILED",
          'Send { "advance": "P3D" } (an ISO 8601 duration) or { "to": "2026-12-01T15:00:00Z" }',
        );
      }
      if ("advance" in body.data) {
        const ms = parseIsoDuration(body.data.advance);
        if (ms === null) {
          throw new AppError(
            "VALIDATION_FAILED",
            `"${body.data.advance}" is not an ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P3D, PT2H)`,
          );
        }
        deps.clock.advance(ms);
      } else {
        deps.clock.setTo(new Date(body.data.to));
      }
      await deps.settle();
      return { clock: deps.clock.now().toISOString() };
    });
  };
}
