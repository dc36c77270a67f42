// REQ-31: Twilio may hold a message in its queue for up to ValidityPeriod seconds; a reminder
// must never be delivered after the recipient's window closes, so the period normally ends
// five minutes before the close. In the window's last minutes the text is still handed over
// (REQ-28: 20:59:59 is inside the window, and issue 5 asks for exactly that), with a validity
// that ends at the close itself, so a carrier backlog can never carry it past 21:00.

/** Twilio's ceiling for ValidityPeriod (10 h). */
export const MAX_VALIDITY_PERIOD_SECONDS = 36_000;
/** Margin before the window closes: carrier delivery is not instant. */
export const VALIDITY_CLOSE_MARGIN_SECONDS = 300;
/** Below this the margin is dropped: the validity runs to the close itself. */
export const MIN_VALIDITY_PERIOD_SECONDS = 60;

/**
 * Seconds to submit as ValidityPeriod; null only when the window has already closed (the
 * caller then waits for the next one).
 */
export function validityPeriodSeconds(now: Date, closesAt: Date): number | null {
  const secondsUntilClose = Math.floor((closesAt.getTime() - now.getTime()) / 1000);
  if (secondsUntilClose < 1) {
    return null;
  }
  const withMargin = Math.min(
    MAX_VALIDITY_PERIOD_SECONDS,
    secondsUntilClose - VALIDITY_CLOSE_MARGIN_SECONDS,
  );
  return withMargin >= MIN_VALIDITY_PERIOD_SECONDS ? withMargin : secondsUntilClose;
}
