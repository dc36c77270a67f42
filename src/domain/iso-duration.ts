// ISO 8601 durations as the sandbox control API takes them ("P3D", "PT2H30M", "P1W").
// Years and months are refused: their length depends on the date they start from.

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseIsoDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === "P" || text.trim().endsWith("T")) {
    return null;
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  return (
    Number(weeks ?? 0) * 604_800_000 +
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Math.round(Number(seconds ?? 0) * 1000)
  );
}
