import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TZDate } from "@date-fns/tz";
import {
  addDays,
  addMonths,
  type Day,
  format,
  lastDayOfMonth,
  nextDay,
  startOfMonth,
  startOfWeek,
} from "date-fns";
import Holidays from "date-holidays";
import { z } from "zod";
import { INTENTS } from "../../../src/understanding/index.js";

// The labeled corpus and an independent computation of each promise date. The corpus stores a
// relative spec ("wd:fri", "eom:+0", "hol:thanksgiving:+1"); this file turns it into a date with
// date-fns, @date-fns/tz and date-holidays — none of which the classifier's own calendar code
// uses — so a wrong date in either place shows up as a disagreement.

const here = dirname(fileURLToPath(import.meta.url));

const entrySchema = z.object({
  text: z.string(),
  intent: z.enum(INTENTS),
  lang: z.enum(["en", "es"]),
  now: z.string(),
  tz: z.string(),
  date: z.string().nullable().optional(),
  installments: z.number().int().optional(),
});

export type CorpusEntry = z.infer<typeof entrySchema> & { file: string; line: number };

/**
 * Sets written blind and measured (src/understanding/README.md, "Measured on fresh text") but
 * not tuned on yet, in corpus/pending: the next tuning round moves them up into the corpus.
 */
export function loadPendingSets(): CorpusEntry[] {
  const dir = join(here, "corpus", "pending");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".jsonl"))
    .sort()
    .flatMap((file) => parseLines(join(dir, file), `pending/${file}`));
}

function parseLines(path: string, file: string): CorpusEntry[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .flatMap((line, index) =>
      line.trim() === "" ? [] : [{ ...entrySchema.parse(JSON.parse(line)), file, line: index + 1 }],
    );
}

export function loadCorpus(): CorpusEntry[] {
  // The fresh-<date> files were held-out sets of realistic replies, measured before tuning (see
  // src/understanding/README.md, "Measured on fresh text"); once tuned on, they are training data.
  const fresh = readdirSync(join(here, "corpus"))
    .filter((file) => file.startsWith("fresh-") && file.endsWith(".jsonl"))
    .sort();
  return ["en.jsonl", "es.jsonl", "dates.jsonl", ...fresh].flatMap((file) =>
    parseLines(join(here, "corpus", file), file),
  );
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The arrival instant: a wall-clock time in `tz`, or an ISO instant with offset or Z. */
export function arrivalInstant(now: string, tz: string): Date {
  const local = LOCAL.exec(now);
  if (local === null) {
    return new Date(now);
  }
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = local
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  return new Date(new TZDate(y, mo - 1, d, h, mi, s, tz).getTime());
}

/** Today in the customer's zone as a local-noon Date (noon keeps date-fns clear of DST edges). */
function localToday(now: string, tz: string): Date {
  const zoned = new TZDate(arrivalInstant(now, tz).getTime(), tz);
  return new Date(zoned.getFullYear(), zoned.getMonth(), zoned.getDate(), 12);
}

const WEEKDAYS: Record<string, Day> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

function weekday(name: string): Day {
  const day = WEEKDAYS[name];
  if (day === undefined) {
    throw new Error(`Unknown weekday ${name}`);
  }
  return day;
}

const holidays = new Holidays("US");
const HOLIDAY_NAMES: Record<string, string> = {
  thanksgiving: "Thanksgiving Day",
  christmas: "Christmas Day",
  new_year: "New Year's Day",
  memorial: "Memorial Day",
  christmas_eve: "Christmas Eve",
  new_years_eve: "New Year's Eve",
};

function holiday(id: string, year: number): Date {
  const name = HOLIDAY_NAMES[id];
  const found = holidays.getHolidays(year).find((entry) => entry.name === name);
  if (found === undefined) {
    throw new Error(`Unknown holiday ${id}`);
  }
  const [y, m, d] = found.date.slice(0, 10).split("-").map(Number);
  return new Date(y ?? 0, (m ?? 1) - 1, d ?? 1, 12);
}

function atLeast(date: Date, today: Date): Date {
  return date < today ? today : date;
}

/** The expected `YYYY-MM-DD` for a corpus date spec, or null. */
export function expectedDate(
  spec: string | null | undefined,
  now: string,
  tz: string,
): string | null {
  if (spec === null || spec === undefined) {
    return null;
  }
  const today = localToday(now, tz);
  const monday = startOfWeek(today, { weekStartsOn: 1 });
  const [kind = "", arg = "", extra = ""] = spec.split(":");
  let result: Date;
  if (spec === "today") {
    result = today;
  } else if (/^\+\d+$/.test(spec)) {
    result = addDays(today, Number(spec.slice(1)));
  } else if (kind === "wd") {
    result = nextDay(today, weekday(arg));
  } else if (kind === "this") {
    result = today.getDay() === weekday(arg) ? today : nextDay(today, weekday(arg));
  } else if (kind === "next") {
    result = addDays(addDays(monday, 7), (weekday(arg) + 6) % 7);
  } else if (kind === "fri") {
    const friday = addDays(monday, 7 * Number(arg) + 4);
    result = friday < today ? addDays(friday, 7) : friday;
  } else if (kind === "sat") {
    result = atLeast(addDays(monday, 7 * Number(arg) + 5), today);
  } else if (kind === "dom") {
    let candidate = new Date(today.getFullYear(), today.getMonth(), Number(arg), 12);
    for (let month = 0; candidate.getDate() !== Number(arg) || candidate < today; month += 1) {
      candidate = new Date(today.getFullYear(), today.getMonth() + month + 1, Number(arg), 12);
    }
    result = candidate;
  } else if (kind === "md") {
    const [month, day] = arg.split("-").map(Number);
    const thisYear = new Date(today.getFullYear(), (month ?? 1) - 1, day ?? 1, 12);
    result =
      thisYear < today
        ? new Date(today.getFullYear() + 1, (month ?? 1) - 1, day ?? 1, 12)
        : thisYear;
  } else if (kind === "eom") {
    result = lastDayOfMonth(addMonths(today, Number(arg)));
  } else if (kind === "som") {
    result = startOfMonth(addMonths(today, Number(arg)));
  } else if (kind === "months") {
    result = addMonths(today, Number(arg));
  } else if (kind === "hol") {
    const shift = Number(extra);
    const thisYear = addDays(holiday(arg, today.getFullYear()), shift);
    result = thisYear < today ? addDays(holiday(arg, today.getFullYear() + 1), shift) : thisYear;
  } else {
    throw new Error(`Unknown date spec ${spec}`);
  }
  return format(result, "yyyy-MM-dd");
}
