// `db.execute()` answers differently per driver: postgres.js returns the rows (an array),
// PGlite a result with `rows`. These read either.

/** The rows of a raw `execute()` result, whichever driver ran it. */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(result)) {
    return result as Array<Record<string, unknown>>;
  }
  return (result as { rows?: Array<Record<string, unknown>> }).rows ?? [];
}

export function firstRow(result: unknown): Record<string, unknown> | undefined {
  return rowsOf(result)[0];
}

export function rowCount(result: unknown): number {
  return rowsOf(result).length;
}
