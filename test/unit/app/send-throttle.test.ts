import { describe, expect, it } from "vitest";
import { RATE_LIMIT_PENALTY_MS, SendThrottle } from "../../../src/app/send-throttle.js";
import { FakeClock } from "../../fakes/fake-clock.js";

// Every instant comes from an injected clock; nothing here waits.

const COMPANY = "co_test";

function throttle(messagesPerSecond: number, dailySegmentCap = 1_000_000) {
  return new SendThrottle({ messagesPerSecond, dailySegmentCap });
}

/** Takes one-segment texts until refused; how many went through. */
function drain(subject: SendThrottle, now: Date): number {
  let taken = 0;
  while (subject.take(COMPANY, 1, now).ok) {
    taken += 1;
  }
  return taken;
}

describe("token bucket", () => {
  it("lets a second's worth through at once, then refuses until a token is earned back", () => {
    const clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
    const subject = throttle(5);
    expect(drain(subject, clock.now())).toBe(5);
    const refused = subject.take(COMPANY, 1, clock.now());
    expect(refused).toEqual({
      ok: false,
      reason: "messages_per_second",
      retryAt: new Date(clock.now().getTime() + 200),
    });

    clock.advance(199);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(false);
    clock.advance(1);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(true);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(false);
  });

  it("refills at the configured rate and never beyond one second's worth", () => {
    const clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
    const subject = throttle(1);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(true);
    expect(subject.take(COMPANY, 1, clock.now())).toMatchObject({
      ok: false,
      retryAt: new Date("2026-11-20T15:00:01Z"),
    });
    clock.advance(60_000);
    // A minute idle still earns only one text's worth at 1 per second.
    expect(drain(subject, clock.now())).toBe(1);
  });

  it("counts segments: a three-segment text at 1/s holds the next one back three seconds", () => {
    const clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
    const subject = throttle(1);
    expect(subject.take(COMPANY, 3, clock.now()).ok).toBe(true);
    expect(subject.take(COMPANY, 1, clock.now())).toMatchObject({
      ok: false,
      retryAt: new Date("2026-11-20T15:00:03Z"),
    });
    clock.advance(3_000);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(true);
  });

  it("supports rates below one per second", () => {
    const clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
    const subject = throttle(0.25);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(true);
    expect(subject.take(COMPANY, 1, clock.now())).toMatchObject({
      ok: false,
      retryAt: new Date("2026-11-20T15:00:04Z"),
    });
  });

  it("shares one bucket across companies (one Twilio sender for the deployment)", () => {
    const now = new Date("2026-11-20T15:00:00Z");
    const subject = throttle(1);
    expect(subject.take("co_a", 1, now).ok).toBe(true);
    expect(subject.take("co_b", 1, now).ok).toBe(false);
  });
});

describe("daily segment cap (midnight America/Los_Angeles)", () => {
  it("refuses past the cap until Pacific midnight, then starts counting again", () => {
    // 2026-11-20 23:59:00 in Los Angeles (PST, UTC-8) is 07:59 UTC on the 21st.
    const clock = new FakeClock(new Date("2026-11-21T07:59:00Z"));
    const subject = throttle(1_000, 5);
    expect(subject.take(COMPANY, 3, clock.now()).ok).toBe(true);
    expect(subject.take(COMPANY, 2, clock.now()).ok).toBe(true);
    expect(subject.take(COMPANY, 1, clock.now())).toEqual({
      ok: false,
      reason: "daily_segment_cap",
      retryAt: new Date("2026-11-21T08:00:00Z"),
    });

    clock.set("2026-11-21T07:59:59.999Z");
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(false);
    clock.set("2026-11-21T08:00:00Z");
    expect(subject.take(COMPANY, 5, clock.now()).ok).toBe(true);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(false);
  });

  it("counts a refused text against nothing", () => {
    const clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
    const subject = throttle(1_000, 3);
    expect(subject.take(COMPANY, 4, clock.now()).ok).toBe(false);
    expect(subject.take(COMPANY, 3, clock.now()).ok).toBe(true);
  });

  it("resets at Pacific midnight in summer time too (UTC-7)", () => {
    const subject = throttle(1_000, 1);
    const beforeMidnight = new Date("2026-07-01T06:59:00Z");
    expect(subject.take(COMPANY, 1, beforeMidnight).ok).toBe(true);
    expect(subject.take(COMPANY, 1, beforeMidnight)).toMatchObject({
      retryAt: new Date("2026-07-01T07:00:00Z"),
    });
    expect(subject.take(COMPANY, 1, new Date("2026-07-01T07:00:00Z")).ok).toBe(true);
  });
});

describe("30022: half the rate for ten minutes", () => {
  it("halves the refill rate for exactly ten minutes, then restores it", () => {
    const clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
    const subject = throttle(2);
    const limitedAt = clock.now();
    subject.onRateLimited(limitedAt);
    expect(subject.rateAt(limitedAt)).toBe(1);

    // Emptied, and one token now takes a second (1/s) instead of half a second.
    expect(subject.take(COMPANY, 1, clock.now())).toMatchObject({
      ok: false,
      retryAt: new Date("2026-11-20T15:00:01Z"),
    });
    clock.advance(999);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(false);
    clock.advance(1);
    expect(subject.take(COMPANY, 1, clock.now()).ok).toBe(true);

    const lastHalvedMoment = new Date(limitedAt.getTime() + RATE_LIMIT_PENALTY_MS - 1);
    expect(subject.rateAt(lastHalvedMoment)).toBe(1);
    const restored = new Date(limitedAt.getTime() + RATE_LIMIT_PENALTY_MS);
    expect(RATE_LIMIT_PENALTY_MS).toBe(10 * 60_000);
    expect(subject.rateAt(restored)).toBe(2);

    clock.set(restored);
    expect(drain(subject, clock.now())).toBe(2);
    expect(subject.take(COMPANY, 1, clock.now())).toMatchObject({
      retryAt: new Date(restored.getTime() + 500),
    });
  });

  it("earns at half rate up to the end of the window and at full rate after it", () => {
    const start = new Date("2026-11-20T15:00:00Z");
    const end = start.getTime() + RATE_LIMIT_PENALTY_MS;
    const subject = throttle(2);
    subject.onRateLimited(start);
    expect(subject.take(COMPANY, 1, start).ok).toBe(false);
    const askAt = new Date(end - 1_000);
    // The bucket refilled during the window; empty it at askAt.
    expect(subject.take(COMPANY, 2, askAt).ok).toBe(true);
    // One token: a second at 1/s, exactly the window's end.
    expect(subject.take(COMPANY, 1, askAt)).toMatchObject({ retryAt: new Date(end) });
    // Two tokens: one in that last halved second, the other half a second after at 2/s.
    expect(subject.take(COMPANY, 2, askAt)).toMatchObject({ retryAt: new Date(end + 500) });
  });

  it("empties a bucket that was full when Twilio said 30022", () => {
    const start = new Date("2026-11-20T15:00:00Z");
    const subject = throttle(4);
    expect(subject.take(COMPANY, 1, start).ok).toBe(true);
    const later = new Date(start.getTime() + 60_000);
    subject.onRateLimited(later);
    expect(subject.take(COMPANY, 1, later)).toMatchObject({
      ok: false,
      retryAt: new Date(later.getTime() + 500),
    });
  });

  it("a second 30022 inside the window extends it ten minutes from then", () => {
    const start = new Date("2026-11-20T15:00:00Z");
    const subject = throttle(2);
    subject.onRateLimited(start);
    const again = new Date(start.getTime() + 5 * 60_000);
    subject.onRateLimited(again);
    expect(subject.rateAt(new Date(start.getTime() + RATE_LIMIT_PENALTY_MS))).toBe(1);
    expect(subject.rateAt(new Date(again.getTime() + RATE_LIMIT_PENALTY_MS))).toBe(2);
  });
});
