const BASE_MS = 5_000;
const CAP_MS = 15 * 60_000;

/** Exponential backoff for the n-th failed attempt (1-based), capped at fifteen minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
}
