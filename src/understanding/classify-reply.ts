import { z } from "zod";
import { formatDay, type LocalMoment, localMoment } from "./calendar.js";
import { chronoDates } from "./chrono-fallback.js";
import { overrideByCues, voteByCues } from "./cues.js";
import { detectLanguage } from "./detect-language.js";
import { countInstallments } from "./installments.js";
import { type IntentMatcher, masked, matcherFor, phraseMatch } from "./intent-matchers.js";
import { type RuleDecision, secondOpinion } from "./intent-model.js";
import { LEXICONS } from "./lexicon.js";
import symbols from "./lexicons/symbols.json" with { type: "json" };
import { clauseStarts, normalize, segments, withoutCourtesy } from "./normalize.js";
import { optOut } from "./opt-out.js";
import { bounded, wordAlternation } from "./patterns.js";
import {
  type DateMention,
  findDates,
  firmPromiseWithoutPast,
  MAYBE_DATE,
  pickPromiseDate,
  SENT_WEEKDAY,
} from "./resolve-date.js";
import {
  type ClassifyOptions,
  INTENTS,
  type Intent,
  type Language,
  type ReplyClassification,
} from "./types.js";

// Order matters only when a reply matches several intents. STOP is decided apart, first, and
// beats everything (opt-out.ts). After it, the claims that change what the business must do
// (wrong person, already paid, disputed) outrank the softer ones; an explicit language request
// comes next, since "send it in Spanish" is not a promise; then a concrete plan or promise
// outranks a request for a copy, a person or help.
const PRIORITY: readonly Intent[] = [
  "WRONG_NUMBER",
  "PAID",
  "DISPUTE",
  "LANGUAGE",
  "PLAN",
  "PROMISE",
  "COPY",
  "HUMAN",
  "HELP",
  // Only whole-message restatements ("ok start sending again"), so its place hardly matters.
  "START",
];
const EXACT_FIRST: readonly Intent[] = ["START", "HELP", "LANGUAGE", "WRONG_NUMBER"];
const OUTRANKS: ReadonlyMap<Intent, ReadonlySet<Intent>> = new Map(
  Object.entries(
    z.partialRecord(z.enum(INTENTS), z.array(z.enum(INTENTS))).parse(symbols.outranks),
  ).map(([intent, beaten]) => [intent as Intent, new Set(beaten)]),
);

const fillers = new Set(LEXICONS.flatMap((lexicon) => lexicon.dateOnlyFillers));
const negations = new Set(LEXICONS.flatMap((lexicon) => lexicon.negations));
const payWords = bounded(wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.payWords)), "");
const fillerPrefix = new RegExp(`^(?:(?:${wordAlternation(fillers)}) )*`);
const connectors = new RegExp(
  `^ (?:${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.promiseConnectors))}) `,
);
const deferralWords = LEXICONS.flatMap((lexicon) => lexicon.deferrals);
const deferrals = deferralWords.length === 0 ? null : bounded(wordAlternation(deferralWords), "g");
const QUESTION = /[?¿]/;
// First person plurals of paying that read as present or past ("pagamos"), and "ya" (already).
const PRESENT_OR_PAST = bounded(
  wordAlternation(z.array(z.string()).parse(symbols.presentPastVerbs)),
  "",
);
const ALREADY = bounded("ya", "");

/** Whether a matched phrase rests on a verb that is present or past alike, with no "ya". */
function presentOrPast(phrase: string): boolean {
  return PRESENT_OR_PAST.test(phrase) && !ALREADY.test(phrase);
}

function tokensOf(text: string): string[] {
  return text.length === 0 ? [] : text.split(" ");
}

function matchIntent(text: string, matcher: IntentMatcher, asking: boolean): string | null {
  return phraseMatch(masked(text, matcher, asking), matcher);
}

function otherWords(text: string, mentions: readonly DateMention[]): number {
  let rest = text;
  for (const mention of [...mentions].reverse()) {
    rest = `${rest.slice(0, mention.start)} ${rest.slice(mention.end)}`;
  }
  return tokensOf(rest.trim().replace(/ +/g, " ")).filter((word) => !fillers.has(word)).length;
}

const NEGATION = bounded(wordAlternation(negations), "g");
const NEGATION_REACH = 12;

/**
 * Whether a negation in the reply refuses the date rather than another one it mentions:
 * "not right now" refuses; "not today, maybe Friday" spends its "not" on today. A negation in a
 * clause that ended before the date's is about something else ("no me abren los links, el lunes
 * les llamo y pago"); one after it still refuses ("Friday? no, I can't").
 */
function refuses(
  raw: string,
  text: string,
  chosen: DateMention,
  mentions: readonly DateMention[],
): boolean {
  let clauseStart: number | undefined;
  NEGATION.lastIndex = 0;
  for (let match = NEGATION.exec(text); match !== null; match = NEGATION.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (end <= chosen.start) {
      clauseStart ??= clauseStarts(raw, text).findLast((at) => at <= chosen.start) ?? 0;
      if (end <= clauseStart) {
        continue;
      }
    }
    const spentElsewhere = mentions.some(
      (other) =>
        other !== chosen &&
        ((other.start >= end && other.start - end <= NEGATION_REACH) ||
          (other.end <= start && start - other.end <= NEGATION_REACH)),
    );
    if (!spentElsewhere) {
      return true;
    }
  }
  return false;
}

/** Whether only filler words stand before `start` ("ok friday"; "after new years" starts at 0). */
function onlyFillersBefore(text: string, start: number): boolean {
  const lead = text.slice(0, start);
  return fillerPrefix.exec(lead)?.[0].length === lead.length;
}

function firstSentenceIsDate(raw: string, now: LocalMoment): boolean {
  const [first, second] = segments(raw);
  if (first === undefined || second === undefined) {
    return false;
  }
  const mentions = findDates(first, now);
  return mentions.length > 0 && otherWords(first, mentions) <= 1;
}

/**
 * The reply opens with a sentence (ended by a full stop or a line break, not a comma) that is
 * only a date and holds no negation, and asks nothing: a "can't" in a later sentence is about
 * something else ("First of the month. Rent is due now and I cant do both"), while "Friday, no"
 * or "Friday? I can't" still refuse.
 */
function opensWithFirmDate(raw: string, now: LocalMoment): boolean {
  if (QUESTION.test(raw)) {
    return false;
  }
  const sentences = raw.split(/[.!\n]+/).map(normalize);
  const first = sentences[0];
  if (first === undefined || first.length === 0 || sentences.length < 2) {
    return false;
  }
  const mentions = findDates(first, now);
  return (
    mentions.length > 0 &&
    otherWords(first, mentions) <= 1 &&
    !tokensOf(first).some((word) => negations.has(word))
  );
}

/**
 * The reply closes with a sentence that is only a date, after at least one other sentence, and
 * asks nothing: the answer comes last ("Oh great another text. Yes I KNOW I owe you. Friday.").
 * The date must be a future one the closing sentence holds with no negation ("... Not Friday."
 * refuses), and a holiday named as a greeting ("Thanks. Merry Christmas!") is no date.
 */
function closesWithFirmDate(raw: string, now: LocalMoment): boolean {
  if (QUESTION.test(raw)) {
    return false;
  }
  const sentences = raw
    .split(/[.!\n]+/)
    .map(normalize)
    .filter((sentence) => sentence.length > 0);
  const last = sentences.at(-1);
  if (last === undefined || sentences.length < 2) {
    return false;
  }
  const mentions = findDates(last, now).filter((mention) => mention.rule !== "holiday-name");
  return (
    mentions.length > 0 &&
    mentions.every((mention) => !mention.past && !mention.idle) &&
    otherWords(last, mentions) <= 1 &&
    !tokensOf(last).some((word) => negations.has(word))
  );
}

function decide(
  raw: string,
  text: string,
  words: readonly string[],
  now: LocalMoment,
  dates: () => DateMention[],
): RuleDecision {
  const bare = withoutCourtesy(text);
  for (const intent of [...EXACT_FIRST, ...PRIORITY]) {
    const exact = matcherFor(intent).exact;
    // YES/SI only re-subscribe when said alone; "sí, gracias" is an acknowledgement.
    const lenient = intent !== "START" && bare.length > 0;
    if (exact.has(text) || (lenient && exact.has(bare))) {
      return { intent, confidence: 0.97, evidence: [`${intent} exact "${text}"`] };
    }
  }
  const asking = QUESTION.test(raw);
  const matched: { intent: Intent; phrase: string }[] = [];
  for (const intent of PRIORITY) {
    // START comes last and outranks nothing, so once any phrase above it matched it cannot
    // decide; its large list (accidental opt-outs told about) is then not run at all.
    if (intent === "START" && matched.length > 0) {
      continue;
    }
    const phrase = matchIntent(text, matcherFor(intent), asking);
    if (phrase !== null) {
      matched.push({ intent, phrase });
    }
  }
  // "le pagamos el 5 de diciembre": a first person plural of paying is present or past alike, so
  // with a firm day ahead and no time gone by it promises (a PAID phrase built on it gives way).
  const tensed = matched.filter(
    (candidate) => candidate.intent === "PAID" && presentOrPast(candidate.phrase),
  );
  if (tensed.length > 0) {
    const promised = firmPromiseWithoutPast(dates(), text);
    if (promised !== null && promised.day > now.day) {
      const kept = matched.filter((candidate) => !tensed.includes(candidate));
      matched.length = 0;
      matched.push(...kept);
    }
  }
  // An intent may outrank what the order puts first (symbols.json `outranks`): an explicit ask
  // for a person beats what the reply also says ("call me. I can pay friday but...", "have
  // someone call me to set up a payment plan", "call me, I don't read English well").
  const leading = matched[0]?.intent;
  if (leading !== undefined) {
    const promoted = matched.findIndex(
      (candidate) => OUTRANKS.get(candidate.intent)?.has(leading) === true,
    );
    if (promoted > 0) {
      matched.unshift(...matched.splice(promoted, 1));
    }
  }
  const [best, ...others] = matched;
  if (best !== undefined && others.length > 0 && best.intent !== "WRONG_NUMBER") {
    const vote = overrideByCues(
      raw,
      words,
      dates(),
      best.intent,
      others.map((other) => other.intent),
    );
    if (vote !== null) {
      return {
        intent: vote.intent,
        confidence: 0.6,
        evidence: [...vote.evidence, `phrase rules: ${best.intent} "${best.phrase}"`],
      };
    }
  }
  if (best !== undefined) {
    const evidence = [`${best.intent} phrase "${best.phrase}"`];
    for (const other of others) {
      evidence.push(`also ${other.intent} "${other.phrase}"`);
    }
    if (others.length === 0) {
      return { intent: best.intent, confidence: 0.9, evidence };
    }
    return {
      intent: best.intent,
      confidence: 0.75,
      evidence,
      matchedIntents: matched.map((candidate) => candidate.intent),
    };
  }
  // A date beside a word that puts the answer off ("mañana te digo") is when they will answer,
  // unless a word of paying outside it says what they will do then ("mañana te hablo para
  // pagarte"; the "check" of "let me check with my wife" is no check in the mail).
  let deferring: string | undefined;
  let rest = text;
  if (deferrals !== null) {
    rest = text.replace(deferrals, (found) => {
      deferring ??= found;
      return "~";
    });
  }
  // PROMISE's hard negatives ("can you stop by", "to check the AC") hold no word of paying.
  const paying = payWords.exec(masked(rest, matcherFor("PROMISE"), asking))?.[0];
  if (deferring !== undefined && paying === undefined) {
    return {
      intent: "OTHER",
      confidence: 0.5,
      evidence: [`OTHER puts off the answer "${deferring}"`],
    };
  }
  // A reply that is only a date answers the reminder's question ("el viernes", "next week ok");
  // a date inside other talk ("have a nice weekend", "merry christmas") does not.
  const mentions = dates().filter((mention) => mention.rule !== "holiday-name");
  const mention = pickPromiseDate(mentions);
  const refusing = mention !== null && refuses(raw, text, mention, mentions);
  // In a question the one other word may be what is asked about the day ("¿abren el 24 de
  // diciembre?", "¿trabajan el sábado?"): a date-only question holds no other word.
  if (mention !== null && !refusing && otherWords(text, mentions) <= (asking ? 0 : 1)) {
    return { intent: "PROMISE", confidence: 0.7, evidence: ["PROMISE date-only reply"] };
  }
  // The reply opens with its answer: a first sentence that is only a date ("Friday. Sorry for
  // the delay - Tom"), or a date followed by what the payment waits for ("monday when the banks
  // open", "el viernes cuando me paguen").
  const first = mentions[0];
  if (
    first !== undefined &&
    mention !== null &&
    (!refusing || opensWithFirmDate(raw, now)) &&
    !first.past &&
    !first.idle &&
    onlyFillersBefore(text, first.start) &&
    (connectors.test(`${text.slice(first.end)} `) || firstSentenceIsDate(raw, now))
  ) {
    return {
      intent: "PROMISE",
      confidence: 0.65,
      evidence: [`PROMISE reply opens with "${first.text}"`],
    };
  }
  if (mention !== null && closesWithFirmDate(raw, now)) {
    return {
      intent: "PROMISE",
      confidence: 0.65,
      evidence: [`PROMISE reply closes with a date`],
    };
  }
  if (mention !== null && !refusing && paying !== undefined) {
    return { intent: "PROMISE", confidence: 0.7, evidence: [`PROMISE "${paying}" with a date`] };
  }
  // "Check went out Monday", "lo mandé el lunes": a payment told as sent on a weekday gone by,
  // with no day ahead, is a claim of payment (the model's PROMISE is vetoed by the past date).
  const sent = mention === null ? mentions.find((found) => found.rule === SENT_WEEKDAY) : undefined;
  if (sent !== undefined) {
    return {
      intent: "PAID",
      confidence: 0.7,
      evidence: [`PAID told as sent on a day gone by "${sent.text}"`],
    };
  }
  // No phrase rule recognised it: the cue words vote (cues.ts), never for STOP.
  const vote = words.length === 0 ? null : voteByCues(raw, words, dates());
  if (vote !== null) {
    return { intent: vote.intent, confidence: 0.6, evidence: vote.evidence };
  }
  return { intent: "OTHER", confidence: words.length === 0 ? 0.3 : 0.5, evidence: [] };
}

function promiseDate(
  raw: string,
  text: string,
  now: LocalMoment,
  language: Language,
  dates: () => DateMention[],
): DateMention | null {
  const own = pickPromiseDate(dates());
  if (own !== null || !MAYBE_DATE.test(text)) {
    return own;
  }
  return pickPromiseDate(chronoDates(raw.slice(0, 320), now, language));
}

/**
 * The reply's date mentions, found on first use. Built here rather than as a named closure in
 * classifyReply, which the tsx/esbuild transform would wrap in a naming call on every reply.
 */
function lazyDates(text: string, now: LocalMoment, raw: string): () => DateMention[] {
  let mentions: DateMention[] | undefined;
  return () => {
    mentions ??= findDates(text, now, raw);
    return mentions;
  };
}

export function classifyReply(text: string, options: ClassifyOptions): ReplyClassification {
  const instant = options.now;
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError("classifyReply: `now` must be a valid Date");
  }
  const now = localMoment(instant, options.timeZone);
  const raw = typeof text === "string" ? text : String(text ?? "");
  const normalized = normalize(raw);
  const words = tokensOf(normalized);
  const language = detectLanguage(raw, words, options.language);

  const dates = lazyDates(normalized, now, raw);
  const decision = secondOpinion(
    optOut(raw, normalized) ?? decide(raw, normalized, words, now, dates),
    normalized,
    raw,
    QUESTION.test(raw),
    dates,
  );
  const evidence = [...decision.evidence, `language ${language}`];

  let date: string | null = null;
  if (decision.intent === "PROMISE") {
    const mention = promiseDate(raw, normalized, now, language, dates);
    if (mention !== null) {
      date = formatDay(mention.day);
      evidence.push(`date ${mention.rule} "${mention.text}" -> ${date}`);
    }
  }
  const installments = decision.intent === "PLAN" ? countInstallments(normalized) : null;
  if (installments !== null) {
    evidence.push(`installments ${installments}`);
  }
  return {
    intent: decision.intent,
    language,
    promiseDate: date,
    installments,
    confidence: decision.confidence,
    evidence,
  };
}
