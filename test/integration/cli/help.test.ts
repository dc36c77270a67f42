import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../../src/cli/bin.js", import.meta.url));

describe("duetext CLI", () => {
  it("prints help with its commands", () => {
    const output = execFileSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(output).toContain("Usage: duetext");
    expect(output).toContain("migrate");
    expect(output).toContain("sync");
  });

  it("explains that sync needs real QuickBooks when only the sandbox is configured", () => {
    let stderr = "";
    let status = 0;
    try {
      execFileSync(process.execPath, [BIN, "sync"], {
        encoding: "utf8",
        stdio: "pipe",
        env: { ...process.env, QUICKBOOKS_CLIENT_ID: "", QUICKBOOKS_CLIENT_SECRET: "" },
      });
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      stderr = failure.stderr;
    }
    expect(status).toBe(1);
    expect(stderr).toContain("QuickBooks is not configured");
  });

  it("fails clearly on an unknown command", () => {
    let stderr = "";
    let status = 0;
    try {
      execFileSync(process.execPath, [BIN, "frobnicate"], { encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      stderr = failure.stderr;
    }
    expect(status).not.toBe(0);
    expect(stderr).toContain("unknown command");
  });
});
