import { LEXICONS } from "./lexicon.js";
import { withoutCourtesy } from "./normalize.js";
import { bounded, wordAlternation } from "./patterns.js";

// How many parts a payment-plan reply asks for, when it says so: "3 payments", "en dos
// partes", "half now half on the 15th", "200 friday and the other 200 on the 1st" (two).

// "a"/"un" count one when they name a period ("a month"), never a number of parts.
const NOT_COUNTS = new Set(["a", "an", "un", "una", "unos", "unas"]);
const numbers: Record<string, number> = Object.fromEntries(
  LEXICONS.flatMap((lexicon) => Object.entries(lexicon.dates.numbers)).filter(
    ([word]) => !NOT_COUNTS.has(word),
  ),
);

const PARTS =
  "payments|installments|instalments|parts|months|checks|pagos|partes|plazos|abonos|cuotas|meses|quincenas|mensualidades|pays";
const COUNT = bounded(
  `(\\d{1,2}|${wordAlternation(Object.keys(numbers))}) (?:monthly |weekly |equal |small |separate |mensuales |semanales |iguales )?(?:${PARTS})`,
);
const HALVES = bounded(
  "half (?:now|today|and half)|(?:and|then|y) half|mitad (?:y|ahora|hoy|ahorita)|la otra mitad|other half|50 50|mitad y mitad|the rest|the remainder|el resto|lo demas|lo que falta|(?:the other|the remaining|another) \\d+",
);

// A reply that is only a number ("3", "#3", "option 3", "Option 2 please") picks from the plan offer's choices.
const BARE_NUMBER = /^(?:(?:number|option|opcion|numero) )?(\d{1,2})$/;

export function countInstallments(text: string): number | null {
  const bare = (BARE_NUMBER.exec(text) ?? BARE_NUMBER.exec(withoutCourtesy(text)))?.[1];
  if (bare !== undefined) {
    const value = Number(bare);
    return value >= 2 && value <= 24 ? value : null;
  }
  COUNT.lastIndex = 0;
  const counted = COUNT.exec(text);
  if (counted?.[1] !== undefined) {
    const value = /^\d+$/.test(counted[1]) ? Number(counted[1]) : numbers[counted[1]];
    if (value !== undefined && value >= 2 && value <= 24) {
      return value;
    }
  }
  HALVES.lastIndex = 0;
  return HALVES.test(text) ? 2 : null;
}
