// REQ-31: Twilio may hold a message in its queue for up to ValidityPeriod seconds; a reminder
// must never be delivered after the recipient's window closes, so the period ends five minutes
// before the close, and a reminder with too little time left waits for the next window.

/** Twilio's ceiling for ValidityPeriod (10 h). */
export const MAX_VALIDITY_PERIOD_SECONDS = 36_000;
/** Margin before the window closes: carrier delivery is not instant. */
export const VALIDITY_CLOSE_MARGIN_SECONDS = 300;
/** Below this, sending is pointless: defer to the next window. */
export const MIN_VALIDITY_PERIOD_SECONDS = 60;

/** Seconds to submit as ValidityPeriod, or null when the reminder should wait for the next window. */
export function validityPeriodSeconds(now: Date, closesAt: Date): number | null {
  const secondsUntilClose = Math.floor((closesAt.getTime() - now.getTime()) / 1000);
  const seconds = Math.min(
    MAX_VALIDITY_PERIOD_SECONDS,
    secondsUntilClose - VALIDITY_CLOSE_MARGIN_SECONDS,
  );
  return seconds < MIN_VALIDITY_PERIOD_SECONDS ? null : seconds;
}
