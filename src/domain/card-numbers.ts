// REQ-57: a card number must never be stored, logged or forwarded. A run of 13–19 digits
// (spaces or dashes between them allowed) that passes the Luhn check is replaced before the
// text goes anywhere.

const CANDIDATE = /\d(?:[ -]?\d){12,18}/g;

export const CARD_NUMBER_MASK = "[card number removed]";

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) {
        digit -= 9;
      }
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The text with every Luhn-valid card-number-shaped run masked, and whether any was. */
export function redactCardNumbers(text: string): { text: string; redacted: boolean } {
  let redacted = false;
  const masked = text.replace(CANDIDATE, (run) => {
    const digits = run.replace(/[ -]/g, "");
    if (digits.length < 13 || digits.length > 19 || !passesLuhn(digits)) {
      return run;
    }
    redacted = true;
    return CARD_NUMBER_MASK;
  });
  return { text: masked, redacted };
}
