import pino from "pino";
import { parseConfig } from "../../src/config.js";
import { type RunningDuetext, startDuetext } from "../../src/main.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

/**
 * The whole product as `npm start` builds it, every provider emulated, on ephemeral loopback
 * ports and a test database of its own. Workers are driven by the control API's settle.
 */
export async function startSandboxedApp(
  startAt = "2026-11-20T15:00:00Z",
): Promise<RunningDuetext & { sandboxUrl: string; database: TestDatabase }> {
  const database = await createTestDatabase();
  const running = await startDuetext(
    parseConfig({
      PORT: "0",
      SANDBOX_PORT: "0",
      SANDBOX_START_AT: startAt,
      WORKERS_ENABLED: "false",
      LOG_LEVEL: "silent",
    }),
    { database, logger: pino({ level: process.env.DEBUG_SANDBOX ? "error" : "silent" }) },
  );
  if (!running.sandbox) {
    await running.stop();
    throw new Error("expected the sandbox to run with no provider credentials");
  }
  return { ...running, sandboxUrl: running.sandbox.url, database };
}
