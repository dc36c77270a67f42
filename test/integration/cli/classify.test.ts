import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The CLI as users run it: `node src/cli/bin.js classify …`, through tsx, in a child process.

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = resolve(root, "src/cli/bin.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], input?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, "classify", ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

describe("duetext classify", () => {
  it("prints one JSON object for a reply given on the command line", async () => {
    const result = await run([
      "--tz",
      "America/Chicago",
      "--now",
      "2026-11-18T15:30",
      "I'll pay Friday",
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      intent: "PROMISE",
      language: "en",
      promiseDate: "2026-11-20",
    });
  });

  it("reads the arrival time in the given zone", async () => {
    const result = await run([
      "--tz",
      "America/Los_Angeles",
      "--now",
      "2026-11-21T04:30:00Z",
      "le pago en la mañana",
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ language: "es", promiseDate: "2026-11-21" });
  });

  it("exits non-zero with a clear message for an unknown time zone or an unparseable now", async () => {
    const badZone = await run(["--tz", "America/Atlantis", "--now", "2026-11-18T15:30", "hi"]);
    expect(badZone.code).not.toBe(0);
    expect(badZone.stderr).toContain("unknown time zone");
    expect(badZone.stdout).toBe("");

    const badNow = await run(["--tz", "America/Chicago", "--now", "next tuesday-ish", "hi"]);
    expect(badNow.code).not.toBe(0);
    expect(badNow.stderr).toContain("unparseable now");
  });

  it("streams JSON lines, one output per input, and reports bad lines in place", async () => {
    const input = [
      { id: "a", text: "para el viernes le pago", now: "2026-11-18T14:05", tz: "America/Chicago" },
      { id: "b", text: "STOP", now: "2026-11-18T14:05", tz: "Not/AZone" },
      "{not json",
      { id: 7, text: "tomorrow", now: "2026-11-21T04:30:00Z", tz: "America/Los_Angeles" },
      { id: "d", text: "ya pagué", now: "2026-02-30T10:00", tz: "America/Denver" },
      { id: "e", text: "I'll pay 12/5", now: "2026-11-18T09:00:00-06:00", tz: "America/Chicago" },
    ]
      .map((line) => (typeof line === "string" ? line : JSON.stringify(line)))
      .join("\n");
    const result = await run(["--jsonl"], `${input}\n`);
    expect(result.code).toBe(0);
    const outputs = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(outputs).toHaveLength(6);
    expect(outputs[0]).toEqual({
      id: "a",
      intent: "PROMISE",
      language: "es",
      promise_date: "2026-11-20",
    });
    expect(outputs[1]).toMatchObject({ id: "b" });
    expect(String(outputs[1]?.error)).toContain("unknown time zone");
    expect(outputs[2]).toMatchObject({ id: null });
    expect(outputs[2]?.error).toBeTypeOf("string");
    expect(outputs[3]).toEqual({
      id: 7,
      intent: "PROMISE",
      language: "en",
      promise_date: "2026-11-21",
    });
    expect(String(outputs[4]?.error)).toContain("unparseable now");
    expect(outputs[5]).toMatchObject({ id: "e", promise_date: "2026-12-05" });
  });

  it("keeps up with a large input stream", async () => {
    const count = 5_000;
    const line = JSON.stringify({
      id: 0,
      text: "stop texting me",
      now: "2026-11-18T14:05",
      tz: "America/Chicago",
    });
    const input = Array.from({ length: count }, (_unused, index) =>
      line.replace('"id":0', `"id":${index}`),
    ).join("\n");
    const result = await run(["--jsonl"], input);
    expect(result.code).toBe(0);
    const outputs = result.stdout.trim().split("\n");
    expect(outputs).toHaveLength(count);
    expect(JSON.parse(outputs[count - 1] ?? "")).toMatchObject({ id: count - 1, intent: "STOP" });
  });
});
