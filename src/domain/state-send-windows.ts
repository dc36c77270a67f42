// REQ-30: states whose telephone-solicitation laws end the calling day at 20:00. Those statutes
// target solicitations, not payment reminders, so applying them is a deliberate, conservative
// choice (compliance.md §1.4): a number whose area code or billing address is in one of these
// states gets the narrower window. Data, versioned: change a row, bump the version, cite the source.

export const STATE_SEND_WINDOWS_VERSION = "2026-05-01";

export interface StateSendWindow {
  /** US state code, as in area-code regions and billing addresses. */
  region: string;
  start: string;
  end: string;
  source: string;
}

export const STATE_SEND_WINDOWS: readonly StateSendWindow[] = [
  {
    region: "FL",
    start: "08:00",
    end: "20:00",
    source: "Fla. Stat. 501.616(6)(a) as amended by SB 1120 (2021) (compliance.md R41)",
  },
  {
    region: "OK",
    start: "08:00",
    end: "20:00",
    source: "Oklahoma Telephone Solicitation Act of 2022, 15 O.S. 775C.4 (compliance.md R42)",
  },
  {
    region: "MD",
    start: "08:00",
    end: "20:00",
    source:
      "Maryland Stop the Spam Calls Act, Com. Law 14-4503, in force 2024-01-01 (compliance.md R43)",
  },
  {
    region: "WA",
    start: "08:00",
    end: "20:00",
    source: "RCW 19.158.040 and RCW 80.36.390 (compliance.md R44)",
  },
  {
    region: "OR",
    start: "08:00",
    end: "20:00",
    source: "Oregon HB 3865, in force 2026-01-01 (compliance.md R4, secondary source)",
  },
];

/** The rows that apply to any of `regions` (case-insensitive state codes). */
export function stateSendWindowsFor(regions: readonly string[]): StateSendWindow[] {
  const wanted = new Set(regions.map((region) => region.trim().toUpperCase()));
  return STATE_SEND_WINDOWS.filter((row) => wanted.has(row.region));
}
