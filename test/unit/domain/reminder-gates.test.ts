import { TZDate } from "@date-fns/tz";
import { describe, expect, it } from "vitest";
import { parseCompanySettings } from "../../../src/domain/company-settings.js";
import { decideReminderGate, type ReminderGateInput } from "../../../src/domain/reminder-gates.js";

const NEW_YORK = "America/New_York";
const DAY = 86_400_000;

function local(zone: string, wall: string): Date {
  const [date = "", time = ""] = wall.split(" ");
  const [year = 0, month = 0, day = 0] = date.split("-").map(Number);
  const [hour = 0, minute = 0, second = 0] = time.split(":").map(Number);
  return new Date(new TZDate(year, month - 1, day, hour, minute, second, zone).getTime());
}

// Monday 2026-06-15, 10:00 in New York.
const NOW = local(NEW_YORK, "2026-06-15 10:00:00");

type Overrides = Partial<Omit<ReminderGateInput, "phone" | "customer">> & {
  phone?: Partial<ReminderGateInput["phone"]>;
  customer?: Partial<ReminderGateInput["customer"]>;
};

function gate(overrides: Overrides = {}) {
  const now = overrides.now ?? NOW;
  return decideReminderGate({
    now,
    settings: overrides.settings ?? parseCompanySettings({}),
    phone: {
      e164: "+12125550100",
      consent: "subscribed",
      lineType: "mobile",
      lineTypeCheckedAt: new Date(now.getTime() - 10 * DAY),
      undeliverable: false,
      smsBlockedReason: null,
      ...overrides.phone,
    },
    customer: { timeZone: null, region: null, ...overrides.customer },
    companySendingPausedReason: overrides.companySendingPausedReason ?? null,
    reminderSentAt: overrides.reminderSentAt ?? [],
  });
}

describe("decideReminderGate: never send", () => {
  it("sends inside the window with nothing in the way", () => {
    expect(gate()).toEqual({
      kind: "send",
      validityPeriodSeconds: 36_000,
      closesAt: local(NEW_YORK, "2026-06-15 21:00:00"),
      zones: [NEW_YORK],
    });
  });

  it("skips an opted-out number before anything else (REQ-06)", () => {
    expect(
      gate({
        phone: { consent: "opted_out", undeliverable: true, smsBlockedReason: "21610" },
        companySendingPausedReason: "billing",
        now: local(NEW_YORK, "2026-06-15 03:00:00"),
      }),
    ).toEqual({ kind: "skip", reason: "opted_out" });
  });

  it("skips while the company's sending is paused", () => {
    expect(
      gate({ companySendingPausedReason: "A2P campaign suspended", phone: { lineType: null } }),
    ).toEqual({ kind: "skip", reason: "sending_paused" });
  });

  it("skips a number blocked for SMS", () => {
    expect(gate({ phone: { smsBlockedReason: "wrong number", undeliverable: true } })).toEqual({
      kind: "skip",
      reason: "blocked",
    });
  });

  it("skips an undeliverable number", () => {
    expect(gate({ phone: { undeliverable: true } })).toEqual({
      kind: "skip",
      reason: "undeliverable",
    });
  });
});

describe("decideReminderGate: line type (REQ-36)", () => {
  it("asks for a lookup when the line type was never checked", () => {
    expect(gate({ phone: { lineType: null, lineTypeCheckedAt: null } })).toEqual({
      kind: "lookup",
    });
    expect(gate({ phone: { lineTypeCheckedAt: null } })).toEqual({ kind: "lookup" });
  });

  it("asks again after 90 days, even for a landline", () => {
    const checked = (days: number) => new Date(NOW.getTime() - days * DAY);
    expect(gate({ phone: { lineTypeCheckedAt: checked(90) } }).kind).toBe("send");
    expect(gate({ phone: { lineTypeCheckedAt: new Date(checked(90).getTime() - 1) } })).toEqual({
      kind: "lookup",
    });
    expect(gate({ phone: { lineType: "landline", lineTypeCheckedAt: checked(91) } })).toEqual({
      kind: "lookup",
    });
  });

  it("skips a landline", () => {
    expect(gate({ phone: { lineType: "landline" } })).toEqual({ kind: "skip", reason: "landline" });
  });

  it.each(["voip", "unknown"] as const)("sends to a %s line", (lineType) => {
    expect(gate({ phone: { lineType } }).kind).toBe("send");
  });

  it("looks up before judging the window", () => {
    expect(
      gate({ phone: { lineType: null }, now: local(NEW_YORK, "2026-06-15 03:00:00") }),
    ).toEqual({ kind: "lookup" });
  });
});

describe("decideReminderGate: window", () => {
  it("defers to the opening before hours", () => {
    expect(gate({ now: local(NEW_YORK, "2026-06-15 07:59:59") })).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-15 08:00:00"),
      reason: "before_hours",
    });
  });

  it("uses the intersection for a 212 number with a California address (REQ-29)", () => {
    const californian = { customer: { timeZone: "America/Los_Angeles", region: "CA" } };
    expect(gate({ ...californian, now: local(NEW_YORK, "2026-06-15 10:59:59") })).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-15 11:00:00"),
      reason: "before_hours",
    });
    expect(gate({ ...californian, now: local(NEW_YORK, "2026-06-15 11:00:00") })).toMatchObject({
      kind: "send",
      closesAt: local(NEW_YORK, "2026-06-15 21:00:00"),
      zones: ["America/Los_Angeles", NEW_YORK],
    });
  });

  it("defers a Miami number at 20:30 Eastern (REQ-30)", () => {
    expect(
      gate({ phone: { e164: "+13055550100" }, now: local(NEW_YORK, "2026-06-15 20:30:00") }),
    ).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-16 08:00:00"),
      reason: "after_hours",
    });
  });

  it("defers a holiday to the next send day", () => {
    expect(gate({ now: local(NEW_YORK, "2026-11-26 10:00:00") })).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-11-27 08:00:00"),
      reason: "holiday",
    });
  });
});

describe("decideReminderGate: caps (REQ-32)", () => {
  it("defers a second reminder today to tomorrow's opening, not to midnight", () => {
    expect(gate({ reminderSentAt: [local(NEW_YORK, "2026-06-15 09:00:00")] })).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-16 08:00:00"),
      reason: "daily_cap",
    });
  });

  it("defers to the exact moment the weekly cap frees up when the window is open then", () => {
    const sent = ["2026-06-09 12:00:00", "2026-06-11 12:00:00", "2026-06-13 12:00:00"];
    expect(gate({ reminderSentAt: sent.map((wall) => local(NEW_YORK, wall)) })).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-16 12:00:00"),
      reason: "weekly_cap",
    });
  });

  it("defers past a holiday when the weekly cap frees up on it", () => {
    // Monday 23 November; the oldest reminder was Thursday 19th, so room on Thanksgiving.
    const sent = ["2026-11-19 10:00:00", "2026-11-20 10:00:00", "2026-11-21 10:00:00"];
    expect(
      gate({
        now: local(NEW_YORK, "2026-11-23 10:00:00"),
        reminderSentAt: sent.map((wall) => local(NEW_YORK, wall)),
      }),
    ).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-11-27 08:00:00"),
      reason: "weekly_cap",
    });
  });

  it("defers the third reminder within seven days to a Massachusetts number", () => {
    const sent = [local(NEW_YORK, "2026-06-10 12:00:00"), local(NEW_YORK, "2026-06-12 12:00:00")];
    expect(gate({ reminderSentAt: sent }).kind).toBe("send");
    expect(gate({ reminderSentAt: sent, phone: { e164: "+16175550100" } })).toEqual({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-17 12:00:00"),
      reason: "weekly_cap",
    });
    expect(gate({ reminderSentAt: sent, customer: { region: "MA" } }).kind).toBe("defer");
  });

  it("reports the window before the caps", () => {
    expect(
      gate({
        now: local(NEW_YORK, "2026-06-15 07:00:00"),
        reminderSentAt: [local(NEW_YORK, "2026-06-15 06:00:00")],
      }),
    ).toMatchObject({ kind: "defer", reason: "before_hours" });
  });
});

describe("decideReminderGate: ValidityPeriod (REQ-31)", () => {
  it("sends at 20:50 with five minutes of validity", () => {
    expect(gate({ now: local(NEW_YORK, "2026-06-15 20:50:00") })).toMatchObject({
      kind: "send",
      validityPeriodSeconds: 300,
    });
  });

  it("still sends in the last minutes, with a validity that ends at the close", () => {
    expect(gate({ now: local(NEW_YORK, "2026-06-15 20:56:00") })).toMatchObject({
      kind: "send",
      validityPeriodSeconds: 240,
    });
    expect(gate({ now: local(NEW_YORK, "2026-06-15 20:59:59") })).toMatchObject({
      kind: "send",
      validityPeriodSeconds: 1,
    });
  });

  it("defers at 21:00:00 to the next morning", () => {
    expect(gate({ now: local(NEW_YORK, "2026-06-15 21:00:00") })).toMatchObject({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-16 08:00:00"),
    });
  });
});

describe("decideReminderGate: unknown location", () => {
  it("keeps to the hours common to every contiguous US zone for a number without an area code", () => {
    const tollFree = { phone: { e164: "+18885550100" } };
    expect(gate({ ...tollFree, now: local(NEW_YORK, "2026-06-15 10:59:59") })).toMatchObject({
      kind: "defer",
      until: local(NEW_YORK, "2026-06-15 11:00:00"),
    });
    expect(gate({ ...tollFree, now: local(NEW_YORK, "2026-06-15 11:00:00") }).kind).toBe("send");
  });
});
