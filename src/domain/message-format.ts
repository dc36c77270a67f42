import { parsePhoneNumberFromString } from "libphonenumber-js";
import { type LocalDate, parseLocalDate } from "./calendar.js";
import { AppError } from "./errors.js";
import type { Language } from "./template-ids.js";

// Every value a customer reads in a text, formatted for the message language. Templates have
// no logic, so the words that depend on the data (singular or plural, "and"/"y", a shortened
// list) are decided here and each placeholder receives a finished phrase.

const LOCALES: Record<Language, string> = { en: "en-US", es: "es-US" };

/** "Billing help: this number." when a company has no contact phone or email yet. */
const CONTACT_FALLBACK: Record<Language, string> = { en: "this number", es: "este número" };

/**
 * Every placeholder `messageVars` can fill, with what it holds. Templates may use only these
 * (the template linter checks it); admins editing a script see this list.
 */
export const MESSAGE_VARIABLES = {
  businessName: "the business's name as customers know it",
  contact:
    'how to reach billing: the contact phone for display, else the contact email, else "this number"',
  invoiceList: 'the invoices with their noun: "invoice 1001", "invoices 1001 and 1002"',
  amount: "the total open balance of those invoices",
  dueDate: "the earliest due date among those invoices",
  payLink: "the secure pay link (https)",
  copyLink: "the link to a copy of the invoice (https)",
  promiseDate: "the date the customer promised to pay",
  planOptions: 'the installment counts on offer: "2, 3 or 4"',
  installmentCount: "the number of installments in the agreed plan",
  installmentNumber: "which installment a reminder is about (1, 2, …)",
  installmentAmount: "the amount of that installment (the first one in a plan confirmation)",
  installmentDueDate: "the due date of that installment",
  nextDate: "the due date of the plan's second installment",
  staffText: "a reply written by billing staff",
} as const;

export type MessageVariable = keyof typeof MESSAGE_VARIABLES;

export interface MessageFacts {
  businessName: string;
  /** E.164, from company settings. */
  contactPhone: string | null;
  contactEmail: string | null;
  /** The open invoices this message is about, oldest due first. */
  invoices: Array<{ number: string; balanceMinor: number; currency: string; dueDate: string }>;
  /** https URL on the business's domain, or null. */
  payLink: string | null;
  /** Invoice-copy page URL (COPY replies), or null. */
  copyLink: string | null;
  /** The raw vars the thread machine put on the sendSms effect (see machines/thread.machine.ts). */
  machineVars: Record<string, string>;
}

function invalid(message: string): AppError {
  return new AppError("VALIDATION_FAILED", message);
}

/** Decimal places of the currency's minor unit (2 for USD, 0 for JPY). */
function minorUnitDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", `Not a currency code: ${currency}`, { cause: error });
  }
}

/** "$1,250.00" from 125000 USD; amounts are integer minor units, never floats. */
export function formatMoney(amountMinor: number, currency: string, language: Language): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw invalid(`Amount must be a non-negative integer of minor units, got ${amountMinor}`);
  }
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) {
    throw invalid(`Not a currency code: ${currency}`);
  }
  const digits = minorUnitDigits(code);
  return new Intl.NumberFormat(LOCALES[language], { style: "currency", currency: code }).format(
    amountMinor / 10 ** digits,
  );
}

function checkedDate(date: LocalDate): Date {
  const { year, month, day } = parseLocalDate(date);
  const instant = new Date(Date.UTC(year, month - 1, day, 12));
  if (instant.getUTCMonth() !== month - 1 || instant.getUTCDate() !== day) {
    throw invalid(`Not a calendar date: ${date}`);
  }
  return instant;
}

/**
 * A calendar date as customers read it: "Dec 3" in English, "3 de diciembre" in Spanish
 * (the full month needs no abbreviation dot, which would collide with a sentence's period).
 */
export function formatDate(date: LocalDate, language: Language): string {
  let instant: Date;
  try {
    instant = checkedDate(date);
  } catch (error) {
    throw error instanceof AppError ? error : invalid(`Not a YYYY-MM-DD date: ${date}`);
  }
  const options: Intl.DateTimeFormatOptions =
    language === "en"
      ? { month: "short", day: "numeric", timeZone: "UTC" }
      : { month: "long", day: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(LOCALES[language], options).format(instant);
}

/**
 * "a, b and c" / "a, b y c". English without the serial comma; Spanish through Intl, which
 * also writes "e" before an i-sound and "u" before an o-sound ("7 u 8").
 */
function joinList(items: string[], language: Language, type: "conjunction" | "disjunction") {
  if (language === "es") {
    return new Intl.ListFormat("es", { type, style: "long" }).format(items);
  }
  const word = type === "conjunction" ? "and" : "or";
  if (items.length <= 1) {
    return items.join("");
  }
  return `${items.slice(0, -1).join(", ")} ${word} ${items.at(-1)}`;
}

export interface InvoiceListOptions {
  /** Lists longer than this show the first ones and "and N more". */
  maxListed?: number;
  /** Listed numbers stop before their joined length passes this (at least one is listed). */
  maxListedChars?: number;
}

/**
 * The invoices with their noun, ready for "for …" / "de …": "invoice 1001", "invoices 1001,
 * 1002 and 1003", "invoices 1001, 1002 and 4 more"; "la factura 1001", "las facturas 1001,
 * 1002 y 4 más". Invoices without a number are counted in "more", or named "your invoice".
 */
export function formatInvoiceList(
  numbers: string[],
  language: Language,
  { maxListed = 3, maxListedChars = 32 }: InvoiceListOptions = {},
): string {
  const total = numbers.length;
  if (total === 0) {
    throw invalid("An invoice list needs at least one invoice");
  }
  const named = numbers.map((number) => number.trim()).filter((number) => number.length > 0);
  const fitsWhole = named.length === total && total <= maxListed;
  const listed: string[] = [];
  for (const number of named.slice(0, fitsWhole ? total : Math.max(1, maxListed - 1))) {
    const length = [...listed, number].join(", ").length;
    if (listed.length > 0 && length > maxListedChars) {
      break;
    }
    listed.push(number);
  }
  const rest = total - listed.length;
  if (listed.length === 0) {
    if (language === "en") {
      return total === 1 ? "your invoice" : `your ${total} invoices`;
    }
    return total === 1 ? "su factura" : `sus ${total} facturas`;
  }
  const items = rest > 0 ? [...listed, language === "en" ? `${rest} more` : `${rest} más`] : listed;
  const joined = joinList(items, language, "conjunction");
  if (language === "en") {
    return total === 1 ? `invoice ${joined}` : `invoices ${joined}`;
  }
  return total === 1 ? `la factura ${joined}` : `las facturas ${joined}`;
}

/** Choices a customer can reply with: "2, 3 or 4" / "2, 3 o 4". */
export function formatChoiceList(choices: Array<string | number>, language: Language): string {
  if (choices.length === 0) {
    throw invalid("A choice list needs at least one choice");
  }
  return joinList(
    choices.map((choice) => String(choice)),
    language,
    "disjunction",
  );
}

/** "(512) 555-0100" for North American numbers, "+52 55 1234 5678" for others. */
export function formatPhoneForDisplay(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164.trim());
  if (!parsed) {
    throw invalid(`Not a phone number in E.164: ${e164}`);
  }
  return parsed.countryCallingCode === "1" ? parsed.formatNational() : parsed.formatInternational();
}

/** The link as given when it is https (REQ-53); anything else is refused, never sent. */
function secureLink(link: string | null, name: string): string | null {
  const trimmed = link?.trim() ?? "";
  if (trimmed === "") {
    return null;
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", `${name} is not a URL`, { cause: error });
  }
  // Plain http only for loopback: the sandbox serves its pages on 127.0.0.1.
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw invalid(`${name} must be an https link`);
  }
  return trimmed;
}

/** Sums per currency; several currencies read "$10.00 + €5.00". */
function formatTotal(
  invoices: ReadonlyArray<{ balanceMinor: number; currency: string }>,
  language: Language,
): string {
  const totals = new Map<string, number>();
  for (const invoice of invoices) {
    const currency = invoice.currency.trim().toUpperCase();
    totals.set(currency, (totals.get(currency) ?? 0) + invoice.balanceMinor);
  }
  return [...totals]
    .map(([currency, amountMinor]) => formatMoney(amountMinor, currency, language))
    .join(" + ");
}

// The thread machine writes "0" or "" where it has no value (no next installment, no
// promise); those read as absent. Anything else that is not the expected shape is a bug.

function machineCount(vars: Record<string, string>, name: string): number | null {
  const raw = vars[name]?.trim() ?? "";
  if (raw === "" || raw === "0") {
    return null;
  }
  if (!/^\d+$/.test(raw)) {
    throw invalid(`Machine var ${name} is not a whole number: ${raw}`);
  }
  return Number(raw);
}

function machineDate(vars: Record<string, string>, name: string): LocalDate | null {
  const raw = vars[name]?.trim() ?? "";
  return raw === "" ? null : raw;
}

function machineChoices(vars: Record<string, string>, name: string): number[] | null {
  const raw = vars[name]?.trim() ?? "";
  if (raw === "") {
    return null;
  }
  const choices = raw.split(",").map((choice) => choice.trim());
  if (!choices.every((choice) => /^\d+$/.test(choice))) {
    throw invalid(`Machine var ${name} is not a list of whole numbers: ${raw}`);
  }
  return choices.map(Number);
}

function earliest(dates: LocalDate[]): LocalDate | null {
  return dates.reduce<LocalDate | null>(
    (first, date) => (first === null || date < first ? date : first),
    null,
  );
}

/**
 * The finished value of every placeholder these facts can fill, for one message language.
 * A placeholder the facts cannot fill is left out, so rendering a template that needs it
 * fails (VALIDATION_FAILED) instead of sending "undefined" or an empty link.
 */
export function messageVars(facts: MessageFacts, language: Language): Record<string, string> {
  const vars: Record<string, string> = {};
  const put = (name: MessageVariable, value: string | null) => {
    if (value !== null && value.trim() !== "") {
      vars[name] = value.trim();
    }
  };
  const raw = facts.machineVars;

  put("businessName", facts.businessName);
  const phone = facts.contactPhone?.trim() ? formatPhoneForDisplay(facts.contactPhone) : null;
  // HELP must always be answerable (REQ-18): with no contact on file, customers are told to
  // reply here, where staff see every message.
  put("contact", phone ?? facts.contactEmail ?? CONTACT_FALLBACK[language]);

  const invoices = facts.invoices;
  if (invoices.length > 0) {
    put(
      "invoiceList",
      formatInvoiceList(
        invoices.map((invoice) => invoice.number),
        language,
      ),
    );
    put("amount", formatTotal(invoices, language));
    const due = earliest(invoices.map((invoice) => invoice.dueDate));
    put("dueDate", due === null ? null : formatDate(due, language));
  } else {
    const balance = machineCount(raw, "balanceMinor");
    const currency = raw.currency?.trim();
    if (balance !== null && currency) {
      put("amount", formatMoney(balance, currency, language));
    }
  }

  put("payLink", secureLink(facts.payLink, "payLink"));
  put("copyLink", secureLink(facts.copyLink, "copyLink"));

  const promiseDate = machineDate(raw, "promiseDate");
  put("promiseDate", promiseDate === null ? null : formatDate(promiseDate, language));
  const options = machineChoices(raw, "options");
  put("planOptions", options === null ? null : formatChoiceList(options, language));
  const count = machineCount(raw, "installments");
  put("installmentCount", count === null ? null : String(count));
  const number = machineCount(raw, "installment");
  put("installmentNumber", number === null ? null : String(number));
  // plan_confirm names the first installment; reminder.installment the one now due.
  const installmentMinor =
    machineCount(raw, "firstAmountMinor") ?? machineCount(raw, "amountMinor");
  const installmentCurrency = raw.currency?.trim() || invoices[0]?.currency;
  if (installmentMinor !== null && installmentCurrency) {
    put("installmentAmount", formatMoney(installmentMinor, installmentCurrency, language));
  }
  const installmentDue = machineDate(raw, "dueDate");
  put("installmentDueDate", installmentDue === null ? null : formatDate(installmentDue, language));
  const nextDate = machineDate(raw, "nextDate");
  put("nextDate", nextDate === null ? null : formatDate(nextDate, language));
  put("staffText", raw.text ?? null);
  return vars;
}
