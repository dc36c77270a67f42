import { describe, expect, it } from "vitest";
import { DEFAULT_COMPANY_SETTINGS } from "../../../src/domain/company-settings.js";
import { type CapInput, capAllows } from "../../../src/domain/frequency-caps.js";

const DAY = 86_400_000;
const NOW = new Date("2026-06-15T16:00:00Z"); // Monday 12:00 in New York
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function caps(sentAt: Date[], overrides: Partial<CapInput> = {}) {
  return capAllows({
    sentAt,
    now: NOW,
    timeZone: "America/New_York",
    massachusetts: false,
    caps: DEFAULT_COMPANY_SETTINGS.caps,
    ...overrides,
  });
}

describe("capAllows: one reminder per calendar day", () => {
  it("allows the first reminder", () => {
    expect(caps([])).toEqual({ allowed: true });
  });

  it("holds a second reminder the same local day until local midnight", () => {
    expect(caps([new Date("2026-06-15T13:00:00Z")])).toEqual({
      allowed: false,
      notBefore: new Date("2026-06-16T04:00:00Z"),
      reason: "daily_cap",
    });
  });

  it("counts calendar days, not 24 hours", () => {
    // 23:59:59 Sunday, then 00:00:01 Monday, in New York.
    expect(
      caps([new Date("2026-06-15T03:59:59Z")], { now: new Date("2026-06-15T04:00:01Z") }),
    ).toEqual({ allowed: true });
  });

  it("counts the day in the recipient's zone", () => {
    // 21:30 Sunday in Los Angeles is already Monday in New York.
    const sent = [new Date("2026-06-15T04:30:00Z")];
    expect(caps(sent).allowed).toBe(false);
    expect(caps(sent, { timeZone: "America/Los_Angeles" }).allowed).toBe(true);
  });

  it("allows as many a day as the company's cap says", () => {
    const sent = [new Date("2026-06-15T13:00:00Z")];
    expect(caps(sent, { caps: { ...DEFAULT_COMPANY_SETTINGS.caps, perDay: 2 } })).toEqual({
      allowed: true,
    });
  });
});

describe("capAllows: rolling seven days (REQ-32)", () => {
  it("holds a fourth reminder until the oldest of three is seven days old", () => {
    const oldest = ago(6 * DAY);
    expect(caps([oldest, ago(4 * DAY), ago(2 * DAY)])).toEqual({
      allowed: false,
      notBefore: new Date(oldest.getTime() + 7 * DAY),
      reason: "weekly_cap",
    });
  });

  it("stops counting a reminder exactly seven days after it was sent", () => {
    expect(caps([ago(7 * DAY), ago(4 * DAY), ago(2 * DAY)])).toEqual({ allowed: true });
    expect(caps([ago(7 * DAY - 1), ago(4 * DAY), ago(2 * DAY)])).toMatchObject({
      allowed: false,
      notBefore: new Date(NOW.getTime() + 1),
    });
  });

  it("defers the third Massachusetts reminder within seven days", () => {
    const sent = [ago(5 * DAY), ago(2 * DAY)];
    expect(caps(sent)).toEqual({ allowed: true });
    expect(caps(sent, { massachusetts: true })).toEqual({
      allowed: false,
      notBefore: new Date(ago(5 * DAY).getTime() + 7 * DAY),
      reason: "weekly_cap",
    });
  });

  it("waits for enough reminders to age out when already over the cap", () => {
    // Four in the window (the cap was lowered): two must age out for room for one more.
    const sent = [ago(6 * DAY), ago(5 * DAY), ago(3 * DAY), ago(2 * DAY)];
    expect(caps(sent)).toMatchObject({ notBefore: new Date(ago(5 * DAY).getTime() + 7 * DAY) });
  });

  it("waits for the later of the two caps when both are reached", () => {
    const sent = [ago(6 * DAY), ago(3 * DAY), new Date("2026-06-15T13:00:00Z")];
    expect(caps(sent)).toEqual({
      allowed: false,
      notBefore: new Date(ago(6 * DAY).getTime() + 7 * DAY),
      reason: "weekly_cap",
    });
    const early = [ago(7 * DAY - 2 * 3_600_000), ago(3 * DAY), new Date("2026-06-15T13:00:00Z")];
    expect(caps(early)).toMatchObject({
      notBefore: new Date("2026-06-16T04:00:00Z"),
      reason: "daily_cap",
    });
  });

  it("ignores reminders stamped after now", () => {
    expect(caps([new Date(NOW.getTime() + 60_000)])).toEqual({ allowed: true });
  });
});
