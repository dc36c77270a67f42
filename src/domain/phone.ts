import { parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * A phone number as QuickBooks or a person typed it ("(512) 555-0100", "512.555.0100 x2")
 * in E.164, or null when it is not a possible number. US is assumed without a country code.
 */
export function toE164(raw: string, defaultCountry: "US" = "US"): string | null {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  return parsed?.isPossible() ? parsed.number : null;
}
