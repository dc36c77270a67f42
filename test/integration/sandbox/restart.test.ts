import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config.js";
import { startDuetext } from "../../../src/main.js";

describe("npm start on an existing data directory", () => {
  it("starts again: the sandbox reconnects QuickBooks (the emulator's old tokens are gone) and reimports", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "duetext-restart-"));
    const config = parseConfig({
      DATA_DIR: dataDir,
      PORT: "0",
      SANDBOX_PORT: "0",
      SANDBOX_START_AT: "2026-11-20T15:00:00Z",
      WORKERS_ENABLED: "false",
      LOG_LEVEL: "silent",
    });
    const logger = pino({ level: "silent" });
    try {
      const first = await startDuetext(config, { logger });
      await first.stop();
      const second = await startDuetext(config, { logger });
      try {
        const health = (await (await fetch(`${second.appUrl}/healthz`)).json()) as {
          connections: Record<string, Record<string, number>>;
        };
        expect(health.connections).toEqual({ quickbooks: { connected: 1 } });
        const state = (await (await fetch(`${second.sandbox?.url}/_sandbox/state`)).json()) as {
          customers: unknown[];
        };
        expect(state.customers).toHaveLength(20);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
