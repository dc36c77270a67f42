import { MESSAGE_VARIABLES, type MessageFacts, messageVars } from "./message-format.js";
import { nonGsmCharacters, normalizeForSms, smsEncoding } from "./sms-encoding.js";
import {
  declaredMaxSegments,
  declaredVariables,
  fillTemplate,
  placeholdersIn,
  type TemplateFile,
} from "./template-file.js";
import { LANGUAGES, type Language } from "./template-ids.js";

// Checks one message template against the compliance rules that can be read from its text
// (compliance.md REQ-09, 18, 21–23, 40–43, 53). It takes the parsed file, not a path, so it
// checks an admin's edited script exactly as it checks the defaults in prompts/.

export type LintRule =
  | "front-matter"
  | "business-name-first"
  | "placeholder-syntax"
  | "undeclared-variable"
  | "unused-variable"
  | "unknown-variable"
  | "help-wording"
  | "stop-wording"
  | "compliance-content"
  | "confirmation-content"
  | "url-shortener"
  | "link-safety"
  | "numeric-opt-out"
  | "exclusive-opt-out"
  | "segment-budget"
  | "accents"
  | "non-gsm";

export interface LintProblem {
  rule: LintRule;
  /** Errors block a template; warnings inform the person editing it. */
  severity: "error" | "warning";
  message: string;
}

/** REQ-43: a reminder costs at most 3 segments; nothing over 10 segments or 1,600 characters. */
export const MAX_REMINDER_SEGMENTS = 3;
export const MAX_SEGMENTS = 10;
export const MAX_CHARACTERS = 1600;

export const TEMPLATE_KINDS = ["reminder", "reply", "compliance", "staff"] as const;

/** Confirmations of an opt-out: brand, no more texts, how to opt back in; nothing else (REQ-09). */
const OPT_OUT_CONFIRMATIONS = new Set(["reply.stop_confirm", "reply.wrong_number_confirm"]);
const COMPLIANCE_TEMPLATES = new Set([
  ...OPT_OUT_CONFIRMATIONS,
  "reply.help",
  "reply.start_confirm",
]);

function expectedKind(id: string): string | null {
  if (id.startsWith("reminder.")) {
    return "reminder";
  }
  if (COMPLIANCE_TEMPLATES.has(id)) {
    return "compliance";
  }
  if (id.startsWith("staff.")) {
    return "staff";
  }
  return id.startsWith("reply.") ? "reply" : null;
}

// ---- Worst case ----------------------------------------------------------------------------

const WORST_DATE = "2026-09-30"; // the longest month names: "Sep 30", "30 de septiembre"
const WORST_MINOR = "99999999"; // $999,999.99
const worstLink = (path: string) => `https://pay.riversideplumbing.com/${path}`.padEnd(60, "x");

const WORST_INVOICE_SETS: MessageFacts["invoices"][] = [
  // One invoice with QuickBooks' longest document number (21 characters).
  [
    {
      number: "INV-2026-000000012345",
      balanceMinor: 99_999_999,
      currency: "USD",
      dueDate: WORST_DATE,
    },
  ],
  // Three short numbers, all listed.
  ["100001", "100002", "100003"].map((number) => ({
    number,
    balanceMinor: 33_333_333,
    currency: "USD",
    dueDate: WORST_DATE,
  })),
  // Three longer numbers: two listed, "and 1 more".
  ["INV-100001", "INV-100002", "INV-100003"].map((number) => ({
    number,
    balanceMinor: 33_333_333,
    currency: "USD",
    dueDate: WORST_DATE,
  })),
  // Twelve invoices: "and 10 more".
  Array.from({ length: 12 }, (_, index) => ({
    number: String(100_001 + index),
    balanceMinor: 8_333_333,
    currency: "USD",
    dueDate: WORST_DATE,
  })),
];

const WORST_CONTACTS: Array<Pick<MessageFacts, "contactPhone" | "contactEmail">> = [
  { contactPhone: "+15125550100", contactEmail: null },
  { contactPhone: null, contactEmail: "accounts.receivable@riversideplumbing.co" },
];

/** A long staff reply: staff texts are written freely, so their budget is checked at send. */
const WORST_STAFF_TEXT =
  "Hi, this is Dana from billing. I looked at your account and the March invoice was " +
  "charged twice by mistake, so we removed the duplicate and your balance is now correct. " +
  "If you would like to talk it over, call me at the office any weekday before 5 and ask " +
  "for Dana. Thank you for your patience while we sorted this out!";

/**
 * The facts that make templates longest: a 30-character business name, 60-character links,
 * several invoices, six-figure amounts, the longest dates and contacts. Every placeholder in
 * MESSAGE_VARIABLES has a value in each.
 */
export const WORST_CASE_FACTS: MessageFacts[] = WORST_INVOICE_SETS.flatMap((invoices) =>
  WORST_CONTACTS.map((contact) => ({
    businessName: "Riverside Plumbing and Heating",
    ...contact,
    invoices,
    payLink: worstLink("p/"),
    copyLink: worstLink("c/"),
    machineVars: {
      balanceMinor: WORST_MINOR,
      currency: "USD",
      options: "2,3,4",
      installments: "4",
      installment: "4",
      firstAmountMinor: WORST_MINOR,
      amountMinor: WORST_MINOR,
      dueDate: WORST_DATE,
      nextDate: WORST_DATE,
      promiseDate: WORST_DATE,
      text: WORST_STAFF_TEXT,
    },
  })),
);

/** The template filled with each worst case, as written (before normalising for SMS). */
export function worstCaseRenderings(file: TemplateFile): string[] {
  const language = (LANGUAGES as readonly string[]).includes(file.language)
    ? (file.language as Language)
    : "en";
  return WORST_CASE_FACTS.map((facts) => fillTemplate(file, messageVars(facts, language)));
}

// ---- Text patterns -------------------------------------------------------------------------

const PUBLIC_SHORTENERS = [
  "bit.ly",
  "bitly.com",
  "tinyurl.com",
  "tiny.cc",
  "tiny.one",
  "t.co",
  "t.ly",
  "goo.gl",
  "ow.ly",
  "is.gd",
  "v.gd",
  "buff.ly",
  "rebrand.ly",
  "cutt.ly",
  "shorturl.at",
  "short.gy",
  "rb.gy",
  "s.id",
  "bl.ink",
  "lnkd.in",
  "qr.ae",
  "adf.ly",
  "shorte.st",
  "ouo.io",
  "soo.gd",
  "clck.ru",
  "x.co",
  "po.st",
  "bit.do",
  "cli.gs",
  "tr.im",
  "u.to",
  "1url.com",
];

const TLDS =
  "com|net|org|edu|gov|io|co|us|ly|gl|gd|me|to|at|cc|be|id|in|ae|st|ru|do|gs|im|link|app|info|biz|ws|ai|dev|page|site|online|store|xyz|mx|es|one";

/** Web addresses, with or without a scheme; an email address is not one. */
const WEB_ADDRESS = new RegExp(
  `(?<![@\\w.-])(?:(https?):\\/\\/)?((?:[a-z0-9-]+\\.)+(?:${TLDS})|\\d{1,3}(?:\\.\\d{1,3}){3})(?![\\w-])(?::\\d+)?(?:[/?#][^\\s]*)?`,
  "giu",
);
const SCHEMED_URL = /\bhttps?:\/\/(\S+)/giu;

interface WebAddress {
  text: string;
  scheme: string | null;
  host: string;
}

function webAddresses(text: string): WebAddress[] {
  return [...text.matchAll(WEB_ADDRESS)].map((match) => ({
    text: match[0],
    scheme: match[1]?.toLowerCase() ?? null,
    host: (match[2] ?? "").toLowerCase().replace(/^www\./, ""),
  }));
}

/** Links to public URL shorteners in a text (REQ-53: carriers filter them). */
export function findPublicShorteners(text: string): string[] {
  return webAddresses(text)
    .filter((address) =>
      PUBLIC_SHORTENERS.some(
        (shortener) => address.host === shortener || address.host.endsWith(`.${shortener}`),
      ),
    )
    .map((address) => address.text);
}

/** Links that are not https on a named host: plain http, a raw IP, or credentials (REQ-53/54). */
function unsafeLinks(text: string): string[] {
  const unsafe = webAddresses(text)
    .filter(
      (address) => address.scheme === "http" || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(address.host),
    )
    .map((address) => address.text);
  for (const match of text.matchAll(SCHEMED_URL)) {
    if (/^[^/\s]*@/.test(match[1] ?? "")) {
      unsafe.push(match[0]);
    }
  }
  return unsafe;
}

const WORD = (words: string) => new RegExp(`(?<!\\p{L})(?:${words})(?!\\p{L})`, "iu");

const HELP_WORDING: Record<Language, RegExp> = {
  en: /(?<!\p{L})(?:reply|text|send)\s+HELP(?!\p{L})/iu,
  es: /(?<!\p{L})(?:responda|env[ií]e|escriba)\s+AYUDA(?!\p{L})/iu,
};

/** STOP as the keyword, plus words saying what it does. */
const STOP_WORDING: Record<Language, RegExp[]> = {
  en: [/(?<!\p{L})STOP(?!\p{L})/u, WORD("opt[\\s-]?out|unsubscribe|cancel")],
  es: [
    /(?<!\p{L})STOP(?!\p{L})/u,
    WORD("no recibir|dejar de recibir|cancelar|darse de baja|dar de baja"),
  ],
};

const FEES_WORDING: Record<Language, RegExp> = {
  en: /(?:msg|message)s?\s*(?:&|and)\s*data\s+rates\s+may\s+apply/iu,
  es: /tarifas\s+de\s+(?:mensajes|msjs?|mensaje)\s+y\s+datos/iu,
};

const FREQUENCY_WORDING: Record<Language, RegExp> = {
  en: WORD("frequency|msgs?\\/(?:mo|month|wk|week)"),
  es: WORD("frecuencia|msjs?\\/(?:mes|semana)"),
};

/** Words that make a confirmation an offer, a call to pay, or a mention of the debt. */
const OFFER_WORDS = WORD(
  [
    "offers?|discounts?|deals?|promo\\p{L}*|free|save|savings|sale|coupons?|plans?|installments?",
    "pay|paying|balance|owe|owed|due",
    "ofertas?|descuentos?|gratis|ahorr\\p{L}*|cup[oó]n|cupones|planes|cuotas?|rebaja",
    "pague|pagar|pagarlo|saldo|debe|adeuda",
  ].join("|"),
);

const CURRENCY_AMOUNT =
  /[$€£¥]\s?\d|\d[\d.,]*\s?(?:USD|EUR|MXN|dollars?|d[oó]lares|pesos)(?!\p{L})/iu;

const LINK_VARIABLES = new Set(["payLink", "copyLink"]);
const AMOUNT_VARIABLES = new Set(["amount", "installmentAmount"]);
const OFFER_VARIABLES = new Set(["planOptions", "installmentCount", "installmentNumber"]);

const OPT_OUT_VERBS =
  "stop|unsubscribe|opt[\\s-]?out|cancel|quit|end|be removed|cancelar|no recibir|dejar de recibir|darse de baja|dar de baja|baja|salir|parar";

/** REQ-23: "Reply 2 to unsubscribe", "2 = STOP", "envíe 9 para cancelar". */
const NUMERIC_OPT_OUT = new RegExp(
  `(?<![\\p{L}\\d])\\d+["']?\\s*(?:=|:|-|to|for|para)?\\s*(?:${OPT_OUT_VERBS})(?!\\p{L})`,
  "iu",
);

/** REQ-14/23: no wording that makes STOP the only way out. */
const EXCLUSIVE_OPT_OUT = new RegExp(
  [
    `(?<!\\p{L})(?:only|solo|sólo|unicamente|únicamente)(?!\\p{L})[^.!?\\n]{0,40}(?<!\\p{L})(?:STOP|opt[\\s-]?out|unsubscribe|cancelar)(?!\\p{L})`,
    `(?<!\\p{L})(?:STOP)(?!\\p{L})[^.!?\\n]{0,40}(?<!\\p{L})(?:only|solo|sólo|unicamente|únicamente)(?!\\p{L})`,
  ].join("|"),
  "iu",
);

const SPANISH_UCS2_VOWELS = /[áíóúÁÍÓÚ]/gu;

// ---- The linter ----------------------------------------------------------------------------

/**
 * Every problem found in a template. `renderedSamples` are bodies already filled with real
 * data (an admin preview); they are checked for links and budget like the worst cases.
 */
export function lintTemplate(file: TemplateFile, renderedSamples: string[] = []): LintProblem[] {
  const problems: LintProblem[] = [];
  const error = (rule: LintRule, message: string) =>
    problems.push({ rule, severity: "error", message });
  const warning = (rule: LintRule, message: string) =>
    problems.push({ rule, severity: "warning", message });

  // Front matter.
  const language = (LANGUAGES as readonly string[]).includes(file.language)
    ? (file.language as Language)
    : null;
  if (language === null) {
    error("front-matter", `language ${file.language} is not one of ${LANGUAGES.join(", ")}`);
  }
  if (file.meta.id !== undefined && file.meta.id !== file.id) {
    error("front-matter", `front matter id ${file.meta.id} differs from the file's id ${file.id}`);
  }
  if (file.meta.language !== undefined && file.meta.language !== file.language) {
    error("front-matter", `front matter language ${file.meta.language} differs from the file's`);
  }
  if (file.meta.channel !== undefined && file.meta.channel !== "sms") {
    error("front-matter", `channel must be sms, not ${file.meta.channel}`);
  }
  const kind = file.meta.kind ?? "";
  const wantedKind = expectedKind(file.id);
  if (!(TEMPLATE_KINDS as readonly string[]).includes(kind)) {
    error("front-matter", `kind must be one of ${TEMPLATE_KINDS.join(", ")}`);
  } else if (wantedKind !== null && kind !== wantedKind) {
    error("front-matter", `${file.id} is a ${wantedKind} template, not ${kind}`);
  }
  const isReminder = file.id.startsWith("reminder.") || kind === "reminder";
  const maxSegments = declaredMaxSegments(file);
  const segmentCeiling = isReminder ? MAX_REMINDER_SEGMENTS : MAX_SEGMENTS;
  if (maxSegments === null || maxSegments < 1 || maxSegments > segmentCeiling) {
    error("front-matter", `maxSegments must be a whole number from 1 to ${segmentCeiling}`);
  }

  const body = file.body;
  if (!body.startsWith("{{businessName}}")) {
    error("business-name-first", "the text must start with {{businessName}} (REQ-21)");
  }

  // Placeholders.
  const used = placeholdersIn(body);
  const declared = declaredVariables(file);
  const leftover = body.replace(/\{\{\s*\w+\s*\}\}/g, "");
  if (/\{\{|\}\}/.test(leftover)) {
    error("placeholder-syntax", "a placeholder is malformed: write {{name}}");
  }
  for (const name of used.filter((name) => !declared.includes(name))) {
    error("undeclared-variable", `{{${name}}} is used but not declared in variables`);
  }
  for (const name of declared.filter((name) => !used.includes(name))) {
    error("unused-variable", `${name} is declared but not used`);
  }
  const unknown = used.filter((name) => !Object.hasOwn(MESSAGE_VARIABLES, name));
  for (const name of unknown) {
    error("unknown-variable", `{{${name}}} is not a variable the sender can fill`);
  }

  const lang = language ?? "en";
  const text = normalizeForSms(body);

  // Reminders carry HELP and STOP in the message language (REQ-22).
  if (isReminder) {
    if (!HELP_WORDING[lang].test(text)) {
      error("help-wording", `a reminder must say how to get help (${helpExample(lang)})`);
    }
    if (!STOP_WORDING[lang].every((pattern) => pattern.test(text))) {
      error("stop-wording", `a reminder must say how to opt out (${stopExample(lang)})`);
    }
  }

  // HELP answer and opt-in confirmation (REQ-17/18, compliance §3.4).
  if (file.id === "reply.help" || file.id === "reply.start_confirm") {
    if (file.id === "reply.help" && !used.includes("contact")) {
      error("compliance-content", "the HELP answer must say how to reach billing: {{contact}}");
    }
    if (file.id === "reply.start_confirm" && !HELP_WORDING[lang].test(text)) {
      error("help-wording", `the opt-in confirmation must name HELP (${helpExample(lang)})`);
    }
    if (!STOP_WORDING[lang].every((pattern) => pattern.test(text))) {
      error("stop-wording", `this text must say how to opt out (${stopExample(lang)})`);
    }
    if (!FEES_WORDING[lang].test(text)) {
      error("compliance-content", "this text must say message and data rates may apply");
    }
    if (!FREQUENCY_WORDING[lang].test(text)) {
      error("compliance-content", "this text must state the message frequency");
    }
  }

  // Opt-out confirmations: nothing but the confirmation (REQ-09).
  if (OPT_OUT_CONFIRMATIONS.has(file.id)) {
    for (const name of used.filter((name) => LINK_VARIABLES.has(name))) {
      error("confirmation-content", `an opt-out confirmation carries no link ({{${name}}})`);
    }
    if (webAddresses(body).length > 0) {
      error("confirmation-content", "an opt-out confirmation carries no link");
    }
    for (const name of used.filter((name) => AMOUNT_VARIABLES.has(name))) {
      error("confirmation-content", `an opt-out confirmation carries no amount ({{${name}}})`);
    }
    if (CURRENCY_AMOUNT.test(body)) {
      error("confirmation-content", "an opt-out confirmation carries no amount");
    }
    for (const name of used.filter((name) => OFFER_VARIABLES.has(name))) {
      error("confirmation-content", `an opt-out confirmation carries no offer ({{${name}}})`);
    }
    const offer = OFFER_WORDS.exec(body.replace(/\{\{\s*\w+\s*\}\}/g, ""));
    if (offer) {
      error("confirmation-content", `an opt-out confirmation carries no offer ("${offer[0]}")`);
    }
  }

  if (NUMERIC_OPT_OUT.test(text)) {
    error("numeric-opt-out", "opt-out is the word STOP, never a number (REQ-23)");
  }
  if (EXCLUSIVE_OPT_OUT.test(text)) {
    error("exclusive-opt-out", "do not present STOP as the only way to opt out (REQ-14)");
  }

  // Links in the template itself and in rendered samples.
  for (const sample of [body, ...renderedSamples]) {
    for (const link of findPublicShorteners(sample)) {
      error("url-shortener", `public URL shorteners are filtered by carriers: ${link} (REQ-53)`);
    }
    for (const link of unsafeLinks(sample)) {
      error("link-safety", `links must be https on the business's domain: ${link} (REQ-53/54)`);
    }
  }

  // Characters that would force UCS-2 whatever the data.
  const accents = [...new Set(body.match(SPANISH_UCS2_VOWELS) ?? [])];
  const stillUcs2 = nonGsmCharacters(text);
  if (stillUcs2.length > 0) {
    warning(
      "non-gsm",
      `${stillUcs2.join(" ")} cannot be sent in GSM-7: every text from this template is UCS-2 (70/67 characters a segment)`,
    );
  }

  // Segment budget on the worst case and on the samples (REQ-41/43).
  if (unknown.length === 0 && maxSegments !== null) {
    const worst = safeWorstCase(file);
    const longest = worst
      .map((rendered) => normalizeForSms(rendered))
      .sort((a, b) => smsEncoding(b).segments - smsEncoding(a).segments || b.length - a.length)
      .slice(0, 1);
    for (const [label, sent] of [
      ...longest.map((body) => ["the worst case", body] as const),
      ...renderedSamples.map((body) => ["a sample", normalizeForSms(body)] as const),
    ]) {
      const { segments, encoding } = smsEncoding(sent);
      if (segments > maxSegments) {
        error(
          "segment-budget",
          `${label} takes ${plural(segments, `${encoding} segment`)}, over maxSegments ${maxSegments}: "${sent}"`,
        );
      }
      if (segments > MAX_SEGMENTS || sent.length > MAX_CHARACTERS) {
        error("segment-budget", `${label} is over 10 segments or 1,600 characters (REQ-43)`);
      }
    }
    if (lang === "es" && accents.length > 0 && worst.length > 0) {
      const asWritten = Math.max(...worst.map((body) => smsEncoding(body).segments));
      const asSent = Math.max(...worst.map((body) => smsEncoding(normalizeForSms(body)).segments));
      warning(
        "accents",
        `${accents.join(" ")} are sent without the accent (prompts/README.md accent policy): ` +
          `at worst ${plural(asSent, "segment")} instead of ${asWritten} in UCS-2 (REQ-42)`,
      );
    }
  }
  return dedupe(problems);
}

function safeWorstCase(file: TemplateFile): string[] {
  try {
    return worstCaseRenderings(file);
  } catch {
    return []; // a placeholder problem, already reported
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function helpExample(language: Language): string {
  return language === "en" ? '"Reply HELP for help"' : '"Responda AYUDA para ayuda"';
}

function stopExample(language: Language): string {
  return language === "en" ? '"STOP to opt out"' : '"STOP para no recibir más"';
}

function dedupe(problems: LintProblem[]): LintProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.rule}\u0000${problem.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** Only the problems that block a template. */
export function lintErrors(file: TemplateFile, renderedSamples: string[] = []): LintProblem[] {
  return lintTemplate(file, renderedSamples).filter((problem) => problem.severity === "error");
}
