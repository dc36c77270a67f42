// Pieces of Twilio's wire format the emulator shares: error bodies, dates, sids, segments.

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** The legacy error body Twilio's 2010 API sends (the SDK turns it into a RestException). */
export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** RFC 2822 in GMT, as the 2010 API writes every date: "Thu, 24 Aug 2023 05:01:45 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

// Sids are a two-letter prefix and 32 hex digits; the counter keeps them unique and sortable
// within one emulator, the random part keeps two emulators (or restarts) from colliding.
export function makeSid(prefix: "SM" | "MG", counter: number, salt: string): string {
  return `${prefix}${salt}${counter.toString(16).padStart(32 - salt.length, "0")}`;
}

// GSM 03.38 basic set; the extension characters cost two septets each.
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

/** How many SMS segments Twilio bills for this body (GSM-7 160/153, else UCS-2 70/67). */
export function segmentCount(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const char of body) {
    if (GSM_BASIC.includes(char)) {
      septets += 1;
    } else if (GSM_EXTENDED.includes(char)) {
      septets += 2;
    } else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = body.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
