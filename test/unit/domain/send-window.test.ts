import { TZDate } from "@date-fns/tz";
import { describe, expect, it } from "vitest";
import {
  type CompanySettingsInput,
  parseCompanySettings,
} from "../../../src/domain/company-settings.js";
import {
  earliestSendTime,
  localSendWindow,
  SEND_WINDOW_SEARCH_DAYS,
  type SendWindowInput,
  sendWindowAt,
} from "../../../src/domain/send-window.js";

const NEW_YORK = "America/New_York";
const CHICAGO = "America/Chicago";
const LOS_ANGELES = "America/Los_Angeles";

/** The instant the wall clock in `zone` shows `wall` ("YYYY-MM-DD HH:MM:SS"). */
function local(zone: string, wall: string): Date {
  const [date = "", time = ""] = wall.split(" ");
  const [year = 0, month = 0, day = 0] = date.split("-").map(Number);
  const [hour = 0, minute = 0, second = 0] = time.split(":").map(Number);
  return new Date(new TZDate(year, month - 1, day, hour, minute, second, zone).getTime());
}

function input(
  zones: string[],
  settings: CompanySettingsInput = {},
  regions: string[] = [],
): SendWindowInput {
  return { zones, regions, settings: parseCompanySettings(settings) };
}

const EVERY_DAY = { sendDays: [1, 2, 3, 4, 5, 6, 7] };

describe("sendWindowAt: the legal window (REQ-28)", () => {
  // 2026-06-15 is a Monday.
  it("is closed at 07:59:59 and opens at 08:00:00 the same day", () => {
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-06-15 07:59:59"))).toEqual({
      open: false,
      opensAt: local(NEW_YORK, "2026-06-15 08:00:00"),
      reason: "before_hours",
    });
  });

  it("is open from 08:00:00 until 21:00:00", () => {
    const closesAt = local(NEW_YORK, "2026-06-15 21:00:00");
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-06-15 08:00:00"))).toEqual({
      open: true,
      closesAt,
    });
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-06-15 20:59:59"))).toEqual({
      open: true,
      closesAt,
    });
  });

  it("is closed at 21:00:00 and opens at 08:00 the next day", () => {
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-06-15 21:00:00"))).toEqual({
      open: false,
      opensAt: local(NEW_YORK, "2026-06-16 08:00:00"),
      reason: "after_hours",
    });
  });

  it("is closed in the small hours and opens at 08:00 that morning", () => {
    expect(sendWindowAt(input([CHICAGO]), local(CHICAGO, "2026-06-16 00:30:00"))).toMatchObject({
      opensAt: local(CHICAGO, "2026-06-16 08:00:00"),
      reason: "before_hours",
    });
  });
});

describe("sendWindowAt: send days and holidays", () => {
  it("skips Sunday with the default Monday–Saturday", () => {
    // 2026-06-14 is a Sunday.
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-06-14 12:00:00"))).toEqual({
      open: false,
      opensAt: local(NEW_YORK, "2026-06-15 08:00:00"),
      reason: "send_day",
    });
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-06-13 21:00:00"))).toMatchObject({
      opensAt: local(NEW_YORK, "2026-06-15 08:00:00"),
      reason: "after_hours",
    });
  });

  it("sends on Sunday when the company says so", () => {
    expect(
      sendWindowAt(input([NEW_YORK], EVERY_DAY), local(NEW_YORK, "2026-06-14 12:00:00")).open,
    ).toBe(true);
  });

  it("blocks Thanksgiving all day and opens the next morning", () => {
    for (const wall of ["2026-11-26 07:00:00", "2026-11-26 08:00:00", "2026-11-26 15:00:00"]) {
      expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, wall))).toEqual({
        open: false,
        opensAt: local(NEW_YORK, "2026-11-27 08:00:00"),
        reason: "holiday",
      });
    }
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-11-25 21:00:00"))).toMatchObject({
      opensAt: local(NEW_YORK, "2026-11-27 08:00:00"),
      reason: "after_hours",
    });
  });

  it("blocks Christmas 2026 (a Friday) and opens on Saturday", () => {
    expect(sendWindowAt(input([CHICAGO]), local(CHICAGO, "2026-12-25 10:00:00"))).toEqual({
      open: false,
      opensAt: local(CHICAGO, "2026-12-26 08:00:00"),
      reason: "holiday",
    });
  });

  it("blocks the observed Friday when Independence Day falls on a Saturday", () => {
    expect(sendWindowAt(input([NEW_YORK]), local(NEW_YORK, "2026-07-03 10:00:00"))).toMatchObject({
      reason: "holiday",
      opensAt: local(NEW_YORK, "2026-07-06 08:00:00"),
    });
  });

  it("sends on holidays when the company turned the calendar off", () => {
    expect(
      sendWindowAt(input([NEW_YORK], { holidays: null }), local(NEW_YORK, "2026-11-26 10:00:00"))
        .open,
    ).toBe(true);
  });

  it("adds a state's holidays when the calendar names the state", () => {
    // Patriots' Day, Massachusetts only.
    const patriotsDay = local(NEW_YORK, "2026-04-20 10:00:00");
    expect(sendWindowAt(input([NEW_YORK]), patriotsDay).open).toBe(true);
    expect(
      sendWindowAt(
        input([NEW_YORK], { holidays: { country: "US", state: "MA", types: ["public"] } }),
        patriotsDay,
      ),
    ).toMatchObject({ open: false, reason: "holiday" });
  });

  it("blocks a day that is a holiday in any of the recipient's zones' calendars", () => {
    // 23:30 Wednesday in Los Angeles is already Thanksgiving in New York.
    const state = sendWindowAt(
      input([NEW_YORK, LOS_ANGELES], { sendWindow: { start: "08:00", end: "21:00" } }),
      local(NEW_YORK, "2026-11-26 02:30:00"),
    );
    expect(state).toMatchObject({
      open: false,
      reason: "holiday",
      opensAt: local(NEW_YORK, "2026-11-27 11:00:00"),
    });
  });
});

describe("sendWindowAt: daylight saving time", () => {
  it.each([NEW_YORK, CHICAGO])("opens at 08:00 local on the spring-forward day in %s", (zone) => {
    // 2026-03-08 is a Sunday: clocks jump from 02:00 to 03:00.
    expect(
      sendWindowAt(input([zone], EVERY_DAY), local(zone, "2026-03-08 07:59:59")),
    ).toMatchObject({ open: false, opensAt: local(zone, "2026-03-08 08:00:00") });
    expect(sendWindowAt(input([zone], EVERY_DAY), local(zone, "2026-03-08 08:00:00"))).toEqual({
      open: true,
      closesAt: local(zone, "2026-03-08 21:00:00"),
    });
  });

  it("lands on 08:00 daylight time after a weekend that changed the clocks", () => {
    // Saturday 21:00 EST → Monday 08:00 EDT: 59 hours, not 35 + 24.
    const state = sendWindowAt(input([NEW_YORK]), new Date("2026-03-08T02:00:00Z"));
    expect(state).toMatchObject({ open: false, opensAt: new Date("2026-03-09T12:00:00Z") });
  });

  it.each([
    [NEW_YORK, "2026-11-01T13:00:00Z", "2026-11-02T02:00:00Z"],
    [CHICAGO, "2026-11-01T14:00:00Z", "2026-11-02T03:00:00Z"],
  ])("opens at 08:00 standard time on the fall-back day in %s", (zone, opens, closes) => {
    // 2026-11-01 is a Sunday: 01:00–02:00 happens twice.
    expect(
      sendWindowAt(input([zone], EVERY_DAY), local(zone, "2026-11-01 01:30:00")),
    ).toMatchObject({ open: false, opensAt: new Date(opens), reason: "before_hours" });
    expect(sendWindowAt(input([zone], EVERY_DAY), new Date(opens))).toEqual({
      open: true,
      closesAt: new Date(closes),
    });
  });

  it("keeps Arizona on standard time while Denver is on daylight time", () => {
    // 2026-07-15 08:30 MDT in Denver is 07:30 MST in Phoenix.
    const now = new Date("2026-07-15T14:30:00Z");
    expect(sendWindowAt(input(["America/Denver"]), now).open).toBe(true);
    expect(sendWindowAt(input(["America/Phoenix"]), now)).toEqual({
      open: false,
      opensAt: new Date("2026-07-15T15:00:00Z"),
      reason: "before_hours",
    });
    // In January both read 08:00 at the same instant.
    const winter = new Date("2026-01-14T15:00:00Z");
    expect(sendWindowAt(input(["America/Denver"]), winter).open).toBe(true);
    expect(sendWindowAt(input(["America/Phoenix"]), winter).open).toBe(true);
  });
});

describe("sendWindowAt: several locations (REQ-29)", () => {
  const manhattanNumberCaliforniaAddress = input([NEW_YORK, LOS_ANGELES]);

  it("waits until 11:00 Eastern, when it is 08:00 in California", () => {
    expect(
      sendWindowAt(manhattanNumberCaliforniaAddress, local(NEW_YORK, "2026-06-15 10:59:59")),
    ).toEqual({
      open: false,
      opensAt: local(NEW_YORK, "2026-06-15 11:00:00"),
      reason: "before_hours",
    });
    expect(
      sendWindowAt(manhattanNumberCaliforniaAddress, local(NEW_YORK, "2026-06-15 11:00:00")),
    ).toEqual({ open: true, closesAt: local(NEW_YORK, "2026-06-15 21:00:00") });
  });

  it("closes at 21:00 Eastern, when it is 18:00 in California", () => {
    expect(
      sendWindowAt(manhattanNumberCaliforniaAddress, local(LOS_ANGELES, "2026-06-15 18:00:00")),
    ).toEqual({
      open: false,
      opensAt: local(LOS_ANGELES, "2026-06-16 08:00:00"),
      reason: "after_hours",
    });
  });

  it("says when the locations share no window at all within the search", () => {
    const now = local(NEW_YORK, "2026-06-15 10:00:00");
    // 08:00–12:00 in New York and in Honolulu never overlap (six hours apart).
    expect(
      sendWindowAt(
        input([NEW_YORK, "Pacific/Honolulu"], { sendWindow: { start: "08:00", end: "12:00" } }),
        now,
      ),
    ).toEqual({
      open: false,
      opensAt: new Date(now.getTime() + SEND_WINDOW_SEARCH_DAYS * 86_400_000),
      reason: "no_common_window",
    });
  });

  it("needs at least one zone", () => {
    expect(() => sendWindowAt(input([]), new Date("2026-06-15T14:00:00Z"))).toThrow(/time zone/);
  });
});

describe("sendWindowAt: narrower windows", () => {
  it("closes at 20:00 for a Florida number (REQ-30)", () => {
    const miami = input([NEW_YORK], {}, ["FL"]);
    expect(sendWindowAt(miami, local(NEW_YORK, "2026-06-15 20:30:00"))).toEqual({
      open: false,
      opensAt: local(NEW_YORK, "2026-06-16 08:00:00"),
      reason: "after_hours",
    });
    expect(sendWindowAt(miami, local(NEW_YORK, "2026-06-15 19:59:59"))).toEqual({
      open: true,
      closesAt: local(NEW_YORK, "2026-06-15 20:00:00"),
    });
  });

  it.each(["FL", "OK", "MD", "WA", "OR", "wa"])("ends the day at 20:00 in %s", (region) => {
    expect(localSendWindow({ regions: [region], settings: parseCompanySettings({}) })).toEqual({
      start: "08:00",
      end: "20:00",
    });
  });

  it("applies the state table for an address even when the number is elsewhere", () => {
    // A 212 number whose billing address is in Seattle.
    const state = sendWindowAt(
      input([LOS_ANGELES, NEW_YORK], {}, ["NY", "WA"]),
      local(NEW_YORK, "2026-06-15 20:00:00"),
    );
    expect(state).toMatchObject({ open: false, reason: "after_hours" });
  });

  it("narrows to the company's own window", () => {
    const nineToFive = input([NEW_YORK], { sendWindow: { start: "09:00", end: "17:00" } });
    expect(sendWindowAt(nineToFive, local(NEW_YORK, "2026-06-15 08:30:00"))).toMatchObject({
      opensAt: local(NEW_YORK, "2026-06-15 09:00:00"),
    });
    expect(sendWindowAt(nineToFive, local(NEW_YORK, "2026-06-15 16:59:59"))).toEqual({
      open: true,
      closesAt: local(NEW_YORK, "2026-06-15 17:00:00"),
    });
    expect(sendWindowAt(nineToFive, local(NEW_YORK, "2026-06-15 17:00:00")).open).toBe(false);
  });

  it("never widens the legal window, whatever the company asks", () => {
    const wide = input([NEW_YORK], { sendWindow: { start: "06:00", end: "23:00" } });
    expect(sendWindowAt(wide, local(NEW_YORK, "2026-06-15 07:59:59")).open).toBe(false);
    expect(sendWindowAt(wide, local(NEW_YORK, "2026-06-15 21:00:00")).open).toBe(false);
  });

  it("reports no window when the company's window lies after a state's close", () => {
    expect(
      sendWindowAt(
        input([NEW_YORK], { sendWindow: { start: "20:30", end: "21:00" } }, ["FL"]),
        local(NEW_YORK, "2026-06-15 20:45:00"),
      ),
    ).toMatchObject({ open: false, reason: "no_common_window" });
  });
});

describe("earliestSendTime", () => {
  it("is the moment itself when the window is open, else the next opening", () => {
    const open = local(NEW_YORK, "2026-06-15 12:00:00");
    expect(earliestSendTime(input([NEW_YORK]), open)).toEqual(open);
    expect(earliestSendTime(input([NEW_YORK]), local(NEW_YORK, "2026-06-16 00:00:00"))).toEqual(
      local(NEW_YORK, "2026-06-16 08:00:00"),
    );
  });
});
