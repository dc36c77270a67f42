import { describe, expect, it } from "vitest";
import { validityPeriodSeconds } from "../../../src/domain/validity-period.js";

const CLOSES = new Date("2026-06-16T01:00:00Z"); // 21:00 in New York
const beforeClose = (seconds: number) => new Date(CLOSES.getTime() - seconds * 1000);

describe("validityPeriodSeconds (REQ-31)", () => {
  it("ends five minutes before the window closes", () => {
    expect(validityPeriodSeconds(beforeClose(10 * 60), CLOSES)).toBe(300); // 20:50
    expect(validityPeriodSeconds(beforeClose(60 * 60), CLOSES)).toBe(3300);
  });

  it("defers when less than a minute would be left", () => {
    expect(validityPeriodSeconds(beforeClose(4 * 60), CLOSES)).toBe(240); // 20:56: to the close
    expect(validityPeriodSeconds(beforeClose(360), CLOSES)).toBe(60); // 20:54:00
    expect(validityPeriodSeconds(beforeClose(359), CLOSES)).toBe(359); // 20:54:01
    expect(validityPeriodSeconds(beforeClose(1), CLOSES)).toBe(1); // 20:59:59
    expect(validityPeriodSeconds(CLOSES, CLOSES)).toBeNull();
  });

  it("never exceeds Twilio's 36,000 seconds", () => {
    expect(validityPeriodSeconds(beforeClose(13 * 3600), CLOSES)).toBe(36_000); // 08:00
    expect(validityPeriodSeconds(beforeClose(36_300), CLOSES)).toBe(36_000);
    expect(validityPeriodSeconds(beforeClose(36_299), CLOSES)).toBe(35_999);
  });

  it("counts whole seconds", () => {
    expect(validityPeriodSeconds(new Date(beforeClose(600).getTime() - 999), CLOSES)).toBe(300);
  });
});
