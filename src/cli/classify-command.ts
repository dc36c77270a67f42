import { createInterface } from "node:readline";
import { TZDate } from "@date-fns/tz";
import type { Command } from "commander";
import { classifyReply, type Language } from "../understanding/index.js";

// `duetext classify`: one reply from the command line, or a JSONL stream on stdin. The
// understanding ring never reads the clock; this outer edge does, for the default `--now`.

const DEFAULT_TIME_ZONE = "America/New_York";
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;
const INSTANT =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

export class InputError extends Error {}

export function checkTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new InputError(
      `unknown time zone "${timeZone}" (expected an IANA name such as America/Chicago)`,
    );
  }
  return timeZone;
}

/** `now` as a wall-clock time in `timeZone` (YYYY-MM-DDTHH:mm[:ss]) or an ISO instant with offset. */
export function parseNow(now: string, timeZone: string): Date {
  const trimmed = now.trim();
  if (INSTANT.test(trimmed)) {
    const instant = new Date(trimmed);
    if (!Number.isNaN(instant.getTime())) {
      return instant;
    }
  }
  const local = LOCAL_TIME.exec(trimmed);
  if (local !== null) {
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = local
      .slice(1, 7)
      .map((part) => (part === undefined ? 0 : Number(part)));
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59
    ) {
      return new Date(new TZDate(year, month - 1, day, hour, minute, second, timeZone).getTime());
    }
  }
  throw new InputError(
    `unparseable now "${now}" (expected YYYY-MM-DDTHH:mm[:ss] in the time zone, or an ISO instant with Z or an offset)`,
  );
}

function parseLanguage(language: string | undefined): Language | undefined {
  if (language === undefined) {
    return undefined;
  }
  if (language === "en" || language === "es") {
    return language;
  }
  throw new InputError(`unknown language "${language}" (expected en or es)`);
}

interface ClassifyFlags {
  tz: string;
  now?: string;
  jsonl?: boolean;
  language?: string;
}

function classifyOne(text: string, flags: ClassifyFlags): void {
  const timeZone = checkTimeZone(flags.tz);
  const now = flags.now === undefined ? new Date() : parseNow(flags.now, timeZone);
  const language = parseLanguage(flags.language);
  const result = classifyReply(text, { now, timeZone, ...(language ? { language } : {}) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One output object for one input line; never throws. */
export function classifyLine(line: string, fallbackNow: () => Date): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { id: null, error: "line is not valid JSON" };
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { id: null, error: "line is not a JSON object" };
  }
  const record = input as Record<string, unknown>;
  const id = record.id ?? null;
  try {
    const { text, now, tz } = record;
    if (typeof text !== "string") {
      throw new InputError("text must be a string");
    }
    if (tz !== undefined && typeof tz !== "string") {
      throw new InputError("tz must be a string");
    }
    if (now !== undefined && typeof now !== "string") {
      throw new InputError("now must be a string");
    }
    const timeZone = checkTimeZone(tz ?? DEFAULT_TIME_ZONE);
    const instant = now === undefined ? fallbackNow() : parseNow(now, timeZone);
    const result = classifyReply(text, { now: instant, timeZone });
    return {
      id,
      intent: result.intent,
      language: result.language,
      promise_date: result.promiseDate,
    };
  } catch (error) {
    return { id, error: errorMessage(error) };
  }
}

async function classifyStream(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") {
      continue;
    }
    const output = classifyLine(line, () => new Date());
    if (!process.stdout.write(`${JSON.stringify(output)}\n`)) {
      await new Promise<void>((resolve) => process.stdout.once("drain", () => resolve()));
    }
  }
}

export function registerClassifyCommand(program: Command): void {
  program
    .command("classify")
    .description(
      "Classify a customer's reply: intent, language and promised date. Prints one JSON object, or with --jsonl reads {id,text,now,tz} lines from stdin and writes {id,intent,language,promise_date} lines.",
    )
    .argument("[text...]", "the reply text")
    .option("--tz <zone>", "the customer's IANA time zone", DEFAULT_TIME_ZONE)
    .option(
      "--now <time>",
      "arrival time: YYYY-MM-DDTHH:mm[:ss] in --tz, or an ISO instant with Z/offset (default: now)",
    )
    .option("--language <en|es>", "the thread's known language, used only to break ties")
    .option("--jsonl", "read JSON lines from stdin and write one result line per input")
    .action(async (textParts: string[], flags: ClassifyFlags) => {
      try {
        if (flags.jsonl === true) {
          if (textParts.length > 0) {
            throw new InputError("give either the reply text or --jsonl, not both");
          }
          await classifyStream();
          return;
        }
        if (textParts.length === 0) {
          throw new InputError('no reply text given (e.g. duetext classify "I\'ll pay Friday")');
        }
        classifyOne(textParts.join(" "), flags);
      } catch (error) {
        if (!(error instanceof InputError)) {
          throw error;
        }
        process.stderr.write(`duetext classify: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
