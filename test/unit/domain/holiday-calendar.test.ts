import { describe, expect, it } from "vitest";
import { isHoliday } from "../../../src/domain/holiday-calendar.js";

const FEDERAL = { country: "US", state: null, types: ["public" as const] };

describe("isHoliday", () => {
  it.each(["2026-01-01", "2026-05-25", "2026-07-03", "2026-11-26", "2026-12-25"])(
    "%s is a US public holiday",
    (date) => {
      expect(isHoliday(date, FEDERAL)).toBe(true);
    },
  );

  it.each(["2026-11-27", "2026-12-24", "2026-06-15"])("%s is not", (date) => {
    expect(isHoliday(date, FEDERAL)).toBe(false);
  });

  it("finds an observed New Year's Day that falls in the previous year", () => {
    // 2028-01-01 is a Saturday; it is observed on Friday 2027-12-31.
    expect(isHoliday("2027-12-31", FEDERAL)).toBe(true);
  });

  it("includes the types the company chose", () => {
    const withOptional = { ...FEDERAL, types: ["public" as const, "optional" as const] };
    expect(isHoliday("2026-12-24", withOptional)).toBe(true);
  });

  it("blocks the whole day of a holiday that starts in the evening", () => {
    // Halloween starts at 18:00 in date-holidays.
    expect(isHoliday("2026-10-31", { ...FEDERAL, types: ["observance"] })).toBe(true);
    expect(isHoliday("2026-11-01", { ...FEDERAL, types: ["observance"] })).toBe(false);
  });

  it("includes a state's own holidays", () => {
    expect(isHoliday("2026-04-20", FEDERAL)).toBe(false);
    expect(isHoliday("2026-04-20", { ...FEDERAL, state: "MA" })).toBe(true);
  });

  it("has no holidays when the calendar is off", () => {
    expect(isHoliday("2026-12-25", null)).toBe(false);
    expect(isHoliday("2026-12-25", { ...FEDERAL, types: [] })).toBe(false);
  });
});
