import { describe, expect, it } from "vitest";
import { parseIsoDuration } from "../../../src/domain/iso-duration.js";
import { SandboxClock } from "../../../src/sandbox/sandbox-clock.js";

describe("SandboxClock", () => {
  it("runs at real speed from its start and moves forward on request", () => {
    let real = 1_000_000;
    const clock = new SandboxClock(new Date("2026-11-20T15:00:00Z"), { realNow: () => real });
    real += 5_000;
    expect(clock.now().toISOString()).toBe("2026-11-20T15:00:05.000Z");
    clock.advance(3 * 86_400_000);
    expect(clock.now().toISOString()).toBe("2026-11-23T15:00:05.000Z");
    real += 1_000;
    expect(clock.now().toISOString()).toBe("2026-11-23T15:00:06.000Z");
  });

  it("never moves back", () => {
    const clock = new SandboxClock(new Date("2026-11-20T15:00:00Z"), { frozen: true });
    expect(() => clock.setTo(new Date("2026-11-20T14:59:59Z"))).toThrow(/only moves forward/);
    expect(() => clock.advance(-1)).toThrow(/only moves forward/);
    expect(clock.setTo(new Date("2026-12-01T15:00:00Z")).toISOString()).toBe(
      "2026-12-01T15:00:00.000Z",
    );
  });
});

describe("parseIsoDuration", () => {
  it.each([
    ["P3D", 3 * 86_400_000],
    ["PT2H30M", 9_000_000],
    ["P1W", 604_800_000],
    ["P1DT1S", 86_401_000],
    ["PT0.5S", 500],
  ])("%s is %i ms", (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(["", "P", "PT", "3D", "P1M", "P1Y", "P-1D", "tomorrow"])("refuses %j", (text) => {
    expect(parseIsoDuration(text)).toBeNull();
  });
});
