import { type AreaCodeTable, areaCodeInfo, NANP_AREA_CODES } from "./area-codes.js";
import { isValidTimeZone } from "./calendar.js";
import { stateTimeZone } from "./state-time-zones.js";

// Everything we know about where a reminder's recipient may be (REQ-29): the billing address's
// zone and state, and the zones and state of the phone's area code. The send window must be open
// in all of them; caps count calendar days in the most specific one.

/**
 * Used when neither the customer record nor the area code says anything (a non-geographic or
 * foreign number): the four contiguous US zones, whose common window is 11:00–21:00 Eastern.
 */
export const UNKNOWN_LOCATION_ZONES = [
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
] as const;

export interface RecipientLocation {
  /** Every zone the window must be open in; never empty. */
  zones: string[];
  /** Upper-case US state codes from the area code and the billing address (REQ-30, REQ-32). */
  regions: string[];
  /** The zone whose calendar days the caps count: the address's zone, else the area code's. */
  timeZone: string;
  /** Area code or address in Massachusetts (REQ-32). */
  massachusetts: boolean;
  /** False when the zones are the `UNKNOWN_LOCATION_ZONES` fallback. */
  known: boolean;
}

export function recipientLocation(
  input: { e164: string; timeZone: string | null; region: string | null },
  table: AreaCodeTable = NANP_AREA_CODES,
): RecipientLocation {
  const areaCode = areaCodeInfo(input.e164, table);
  // The customer's own zone, else the one their billing address's state implies (REQ-29:
  // an address is a location too, even when only its state is known).
  const addressZone =
    input.timeZone !== null && isValidTimeZone(input.timeZone)
      ? input.timeZone
      : stateTimeZone(input.region);
  const zones = [...new Set([...(addressZone ? [addressZone] : []), ...(areaCode?.zones ?? [])])];
  const regions = [
    ...new Set(
      [areaCode?.region, input.region]
        .filter((region): region is string => typeof region === "string")
        .map((region) => region.trim().toUpperCase())
        .filter((region) => region.length > 0),
    ),
  ];
  const known = zones.length > 0;
  const allZones = known ? zones : [...UNKNOWN_LOCATION_ZONES];
  return {
    zones: allZones,
    regions,
    timeZone: allZones[0] as string,
    massachusetts: regions.includes("MA"),
    known,
  };
}
