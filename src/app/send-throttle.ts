import { addDays, instantAtLocalTime, type LocalDate, localDateOf } from "../domain/calendar.js";

// Throughput limits for texts (DESIGN §5, REQ-50): a token bucket at the campaign's rate and
// the brand's daily cap, both in message segments because that is how carriers and Twilio
// count them. Error 30022 halves the rate for ten minutes. Time is always passed in.
//
// State lives in this process. With one dispatcher process (the default) that is exact; with
// several, each enforces the full rate and cap on its own, so configure each instance with
// its share, or run the dispatcher in one instance only.

/** T-Mobile's daily brand cap resets at midnight Pacific. */
export const DAILY_CAP_TIME_ZONE = "America/Los_Angeles";
/** How long the rate stays halved after a 30022. */
export const RATE_LIMIT_PENALTY_MS = 10 * 60_000;

export interface SendThrottleOptions {
  /** Segments per second the campaign may send (TWILIO_MESSAGES_PER_SECOND). */
  messagesPerSecond: number;
  /** Segments per Pacific day the brand may send (TWILIO_DAILY_SEGMENT_CAP). */
  dailySegmentCap: number;
  /**
   * Which sender (campaign and brand) a company's texts count against. Every company shares
   * the deployment's one Twilio sender today, so by default all count against one.
   */
  senderOf?: (companyId: string) => string;
}

export type ThrottleReason = "messages_per_second" | "daily_segment_cap";

export type ThrottleDecision = { ok: true } | { ok: false; retryAt: Date; reason: ThrottleReason };

interface SenderState {
  tokens: number;
  refilledAt: number;
  day: LocalDate;
  segmentsToday: number;
}

export class SendThrottle {
  private readonly rate: number;
  private readonly capacity: number;
  private readonly senders = new Map<string, SenderState>();
  private halvedUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SendThrottleOptions) {
    if (!(options.messagesPerSecond > 0) || !(options.dailySegmentCap > 0)) {
      throw new RangeError("SendThrottle needs a positive rate and daily cap");
    }
    this.rate = options.messagesPerSecond;
    // A burst of at most one second's worth (and room for one segment at rates below 1/s).
    this.capacity = Math.max(1, options.messagesPerSecond);
  }

  /**
   * May a text of `segments` segments go out now? On yes the segments are counted against
   * the rate and today's cap; on no nothing is counted and `retryAt` says when to ask again.
   */
  take(companyId: string, segments: number, now: Date): ThrottleDecision {
    const cost = Math.max(1, Math.ceil(segments));
    const state = this.stateFor(companyId, now);
    if (state.segmentsToday + cost > this.options.dailySegmentCap) {
      return { ok: false, retryAt: nextPacificMidnight(now), reason: "daily_segment_cap" };
    }
    // A text longer than the bucket needs a full bucket, then leaves it in debt, so the
    // average rate holds without ever blocking a long text forever.
    const needed = Math.min(cost, this.capacity);
    if (state.tokens < needed) {
      return {
        ok: false,
        retryAt: new Date(this.timeToGain(needed - state.tokens, now.getTime())),
        reason: "messages_per_second",
      };
    }
    state.tokens -= cost;
    state.segmentsToday += cost;
    return { ok: true };
  }

  /** Twilio answered 30022: halve the rate for ten minutes from `now`, starting empty. */
  onRateLimited(now: Date): void {
    const at = now.getTime();
    for (const state of this.senders.values()) {
      this.refill(state, at);
      state.tokens = Math.min(state.tokens, 0);
    }
    this.halvedUntil = Math.max(this.halvedUntil, at + RATE_LIMIT_PENALTY_MS);
  }

  /** Segments per second allowed at `now` (halved during a 30022 penalty). */
  rateAt(now: Date): number {
    return now.getTime() < this.halvedUntil ? this.rate / 2 : this.rate;
  }

  private stateFor(companyId: string, now: Date): SenderState {
    const key = this.options.senderOf?.(companyId) ?? "default";
    const day = localDateOf(now, DAILY_CAP_TIME_ZONE);
    let state = this.senders.get(key);
    if (!state) {
      // A sender first seen while the rate is halved starts empty, as onRateLimited leaves the rest.
      const tokens = now.getTime() < this.halvedUntil ? 0 : this.capacity;
      state = { tokens, refilledAt: now.getTime(), day, segmentsToday: 0 };
      this.senders.set(key, state);
    }
    this.refill(state, now.getTime());
    if (state.day !== day) {
      state.day = day;
      state.segmentsToday = 0;
    }
    return state;
  }

  /** Adds the tokens earned since the last refill: half rate inside the penalty window. */
  private refill(state: SenderState, at: number): void {
    if (at <= state.refilledAt) {
      return;
    }
    const halvedMs = Math.max(0, Math.min(at, this.halvedUntil) - state.refilledAt);
    const fullMs = at - state.refilledAt - halvedMs;
    const earned = ((halvedMs * this.rate) / 2 + fullMs * this.rate) / 1000;
    state.tokens = Math.min(this.capacity, state.tokens + earned);
    state.refilledAt = at;
  }

  /** The instant `deficit` tokens will have been earned, starting at `from`. */
  private timeToGain(deficit: number, from: number): number {
    let remaining = deficit;
    let at = from;
    if (at < this.halvedUntil) {
      const halfRate = this.rate / 2;
      const inWindow = ((this.halvedUntil - at) * halfRate) / 1000;
      if (inWindow >= remaining) {
        return Math.ceil(at + (remaining / halfRate) * 1000);
      }
      remaining -= inWindow;
      at = this.halvedUntil;
    }
    return Math.ceil(at + (remaining / this.rate) * 1000);
  }
}

function nextPacificMidnight(now: Date): Date {
  const tomorrow = addDays(localDateOf(now, DAILY_CAP_TIME_ZONE), 1);
  return instantAtLocalTime(tomorrow, 0, 0, DAILY_CAP_TIME_ZONE);
}
