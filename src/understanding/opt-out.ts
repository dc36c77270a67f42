import { fuzzyChannelWord, fuzzyOptOutKeyword } from "./fuzzy.js";
import { masked, matcherFor, phraseMatch } from "./intent-matchers.js";
import { LEXICONS } from "./lexicon.js";
import { normalize, segments, withoutCourtesy } from "./normalize.js";
import { bounded, wordAlternation } from "./patterns.js";

// Opt-out is decided apart from, and before, every other intent: under FCC 24-24 a revocation
// in any reasonable wording must be honoured, so this errs towards STOP. The ways a reply
// counts, from the surest to the loosest, are below; each intent's `ignore` patterns
// ("stop by", "fin de mes", "alto el precio") are blanked first.

export interface OptOutDecision {
  intent: "STOP";
  confidence: number;
  evidence: string[];
}

const stop = matcherFor("STOP");
const OPT_OUT_WORDS = 4;
const refusalOfMessages = bounded(
  `(?:${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.optOut.cues))})(?: [a-z0-9]+){0,${OPT_OUT_WORDS}} (?:${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.optOut.channels))})`,
  "",
);
// A messaging verb however conjugated or spelled, refused ("ya no me textien", "dejen de
// mensajearme"), per lexicon, since a negation only governs verbs of its own language.
const FILLER_WORDS = 3;
const negatedVerb = LEXICONS.filter(
  (lexicon) => lexicon.optOut.verbs.length > 0 && lexicon.optOut.negations.length > 0,
).map((lexicon) => {
  const fillers =
    lexicon.optOut.fillers.length === 0
      ? ""
      : `(?: (?:${wordAlternation(lexicon.optOut.fillers)})){0,${FILLER_WORDS}}`;
  return `(?:${wordAlternation(lexicon.optOut.negations)})${fillers} (?:${lexicon.optOut.verbs.join("|")})`;
});
const refusedVerb = negatedVerb.length === 0 ? null : bounded(negatedVerb.join("|"), "");
// The refusal after the messaging word, closing the reply ("texts no more", "mensajes ya basta").
const CLOSER_GAP = 3;
const closingRefusal = bounded(
  `(?:${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.optOut.channels))})(?: [a-z0-9]+){0,${CLOSER_GAP}} (?:${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.optOut.closers))})$`,
  "",
);
// The scoring fallback: a refusal that needs no object and a messaging word, anywhere in a
// short reply, in either order.
const FALLBACK_REPLY_TOKENS = 10;
const messagingSource = [
  wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.optOut.channels)),
  ...LEXICONS.flatMap((lexicon) => lexicon.optOut.verbs),
].join("|");
const messagingWord = bounded(messagingSource, "");
const anywhereRefusal = bounded(
  `(?:${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.optOut.anywhereCues))})(?=$| (?:${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.optOut.governed))}|${messagingSource})(?![a-z0-9]))`,
  "",
);
// "unsubcribe", "unsubscibe": a long keyword is unmistakable with one slip at any length.
const LONG_KEYWORD = 10;
const SHORT_REPLY_TOKENS = 5;
const TYPO_REPLY_TOKENS = 3;

// A lexicon list of regular-expression sources as one whole-word pattern; null when no lexicon
// has any, so an empty alternation never matches everywhere.
function listPattern(
  pick: (lexicon: (typeof LEXICONS)[number]) => readonly string[],
): RegExp | null {
  const sources = LEXICONS.flatMap(pick);
  return sources.length === 0 ? null : bounded(sources.join("|"), "");
}

// An explicit wish to keep receiving ("don't stop the reminders, they help me", "not trying to
// unsubscribe, just ..."), matched in one clause of the raw reply and blanked only when the reply
// goes on after it.
const keepWishSources = LEXICONS.flatMap((lexicon) => lexicon.optOut.keepWishes);
// At the start of a clause, or anywhere after a word that opens a new thought ("I paid and please
// don't stop the reminders", "nah don't stop the texts"), never after a subject ("you guys don't
// stop texting me" complains) or "just" ("they just don't stop texting").
const KEEP_WISH_OPENERS =
  "and|but|so|also|though|tho|oh|lol|haha|lmao|nah|naw|nope|no|ok|okay|thanks|thx|honestly|actually|y|pero|asi que|oye|ah";
const keepWishClause =
  keepWishSources.length === 0
    ? null
    : new RegExp(
        `(?:^|(?<=(?<![a-z0-9])(?:${KEEP_WISH_OPENERS}) ))(?:${keepWishSources.join("|")})(?![a-z0-9])`,
      );
// A cheap first look, so only replies that could hold such a wish are split into clauses.
const keepWishHint =
  /(?<![a-z0-9])(?:(?:dont|do not|didnt|did not|no) (?:ever |me |nos )?(?:stop|quit|paren|pare|dejen|deje|dejes|pares|quiero que|queremos que|want|wanna|need|mean)|not (?:trying|looking|asking|wanting|meaning|going|gonna|here) to|(?:id|i d|would|wed|we d|ill|i will|well) (?:[a-z]+ )?be (?:[a-z]+ )?(?:lost|screwed|doomed|sunk|hopeless|a mess|a wreck)|(?:keep|continue) (?:on |sending |the |your |these )?(?:texting|txting|messaging|texts?|txts?|messages?|msgs?|reminders?|reminding|sending))(?![a-z0-9])/;
// A threat anywhere ("keep messaging me and see what happens, I'll sue") makes no wish to keep
// sincere, so nothing is blanked as one.
const keepWishThreat = listPattern((lexicon) => lexicon.optOut.keepThreats);

// "Keep texting me" is a wish only when sincere: beside a refusal or sarcasm ("keep texting me,
// I'll keep ignoring it", "keep texting lol, see if I care", "..., nobody reads this number",
// "..., I'm done", "..., this isnt my number") it dares, so such a wish to keep is not blanked.
const KEEP_ON_WISH = /^(?:[a-z]+ )*?(?:keep|continue)(?![a-z0-9])/;
const keepOnRefused = listPattern((lexicon) => lexicon.optOut.keepRefusals);

// The messages told to keep coming, in any form; beside such a refusal it is an opt-out.
const keepOnForm = listPattern((lexicon) => lexicon.optOut.keepOnForms);

/** The reply with its clauses that wish to keep the messages blanked, or itself. */
export function withoutKeepWishes(raw: string, text: string): string {
  if (keepWishClause === null || !keepWishHint.test(text) || keepWishThreat?.test(text) === true) {
    return text;
  }
  let result = text;
  for (const clause of segments(raw)) {
    const wish = keepWishClause.exec(clause)?.[0];
    if (wish === undefined || (KEEP_ON_WISH.test(wish) && keepOnRefused?.test(text) === true)) {
      continue;
    }
    const at = result.indexOf(wish);
    // Only when the reply goes on after the wish ("..., they help"): a bare "dont stop the texts"
    // may be two sentences with the stop lost, and stays STOP.
    if (at >= 0 && result.slice(at + wish.length).trim().length > 0) {
      result = `${result.slice(0, at)}~${result.slice(at + wish.length)}`;
    }
  }
  return result;
}

// The catch-all ("stop" anywhere in a longer reply) reads a bare "stop" as an opt-out unless its
// own clause says what is to stop, and that is not the messages: a gerund that is no way of
// contacting ("stop parking your truck", "don't stop coming"), or a possessive or article with a
// thing that is no message ("stop my kid's lessons", "stop the lawn service"). A contact verb
// keeps it ("stop msging me", "stop hitting my phone", "so I stop getting these"), and so does any
// messaging word later in the clause; an arrival verb ("coming", "showing up") after a messaging
// subject does too ("make these stop coming to my phone").
const STOP_WORD = "stop";
const CONTACT_GERUNDS =
  /^(?:text|txt|tex|messag|msg|mssg|mesag|send|contact|bug|bother|harr?ass|hit|blow|spam|remind|writ|ping|call|email|mail|get|receiv|recieve|hound|pester|nag|badger|buzz|ring|blast|flood|notif|alert|robo|dm|sm|phon|reach|track|follow|stalk|chas|threat|hassl|annoy|wast|be(?=ing$)|begg|berat|tr|mes|mas|tes)[a-z]*ing$/;
function atCustomer(word: string | undefined): boolean {
  return word === "me" || word === "us";
}
const ARRIVAL_GERUNDS = /^(?:coming|comin|showing|popping|going|arriving|piling|pouring|landing)$/;
// Round 18: a charge is no contact even when done to the customer ("stop charging me"), and an
// adverb or prefix may stand between "stop" and the gerund ("stop double charging me", "stop
// re-billing us"); round 17 looked only at the word right after "stop", so "double" hid it.
const BILLING_GERUNDS =
  /^(?:double|triple|over|re|mis)?(?:charg|bill|debit|draft|invoic|withdraw|deduct|surcharg|penaliz|fin)(?:ing|in)$/;
const GERUND_MODIFIERS = new Set([
  "double",
  "triple",
  "over",
  "re",
  "mis",
  "randomly",
  "constantly",
  "always",
  "keep",
  "wrongly",
  "just",
]);
const CLAUSE_OBJECTS = new Set(["my", "our", "his", "her", "their", "the", "a", "an"]);
const messagingInClause = new RegExp(
  `(?<![a-z0-9])(?:${messagingSource}|phone|cell|number|inbox)(?![a-z0-9])`,
);
const messagingSubject = new RegExp(
  `(?<![a-z0-9])(?:${messagingSource}|these|those|them|they|em|it)(?![a-z0-9])`,
);

function stopExplained(words: readonly string[], found: number): boolean {
  let at = found;
  while (GERUND_MODIFIERS.has(words[at + 1] ?? "") && /(?:ing|in)$/.test(words[at + 2] ?? "")) {
    at += 1;
  }
  const next = words[at + 1];
  if (next === undefined) {
    return false;
  }
  if (BILLING_GERUNDS.test(next)) {
    return !messagingInClause.test(words.slice(at + 2).join(" "));
  }
  // "stop testing me" (texting), "stop X-ing me": done to the customer, so a contact.
  const object = words[at + 2];
  // Done to the customer ("stop beeping at me") is contact whatever the verb.
  const toCustomer = atCustomer(object) || (object === "at" && atCustomer(words[at + 3]));
  if (
    // Only "-ing": a dropped g ("parkin") would also take "again", "within", "certain", and
    // reading a "stop" as about something else must not rest on a guess; five letters leave out
    // "ring" and "king".
    next.length >= 5 &&
    next.endsWith("ing") &&
    !CONTACT_GERUNDS.test(next) &&
    !toCustomer
  ) {
    if (ARRIVAL_GERUNDS.test(next)) {
      return (
        !messagingSubject.test(words.slice(0, at).join(" ")) &&
        !messagingInClause.test(words.slice(at + 1).join(" "))
      );
    }
    return !messagingInClause.test(words.slice(at + 2).join(" "));
  }
  if (CLAUSE_OBJECTS.has(next) && words.length > at + 2) {
    return !messagingInClause.test(words.slice(at + 2).join(" "));
  }
  return false;
}

/** Whether some "stop" in the reply, clause by clause, is not explained as stopping something else. */
function stopUnexplained(raw: string): boolean {
  let seen = false;
  for (const segment of segments(raw)) {
    const words = visibleWords(segment);
    for (let at = 0; at < words.length; at++) {
      if (words[at] !== STOP_WORD) {
        continue;
      }
      seen = true;
      if (!stopExplained(words, at)) {
        return true;
      }
    }
  }
  return !seen;
}

const sentenceWords = new Set([
  ...stop.tokens,
  ...[...stop.exact].flatMap((entry) => entry.split(" ")),
]);

function tokensOf(text: string): string[] {
  return text.length === 0 ? [] : text.split(" ");
}

function visibleWords(text: string): string[] {
  return tokensOf(masked(text, stop)).filter((token) => token !== "~");
}

/**
 * Whether the sentence at `index` is blanked whole by a hard negative that reads it with the
 * sentences before it ("Why is there a late fee? remove it": the 'it' is the fee), while those
 * sentences stay as they were; a blank that reaches back into them ("I can't. Stop.") is not.
 */
function blankedByWhatCameBefore(pieces: readonly string[], index: number): boolean {
  if (index === 0) {
    return false;
  }
  const before = pieces.slice(0, index).join(" ");
  return masked(`${before} ${pieces[index]}`, stop) === `${masked(before, stop)} ~`;
}

// A sentence that takes back the one before ("Unsubscribe?? Nah I like the reminders").
const TAKEN_BACK = /^(?:nah|naw|nope|no|jk|just kidding|lol nah|haha nah)(?![a-z0-9])/;

/**
 * Whether the sentence at `index` is taken back by the next one and so blanked whole, and alone,
 * by a hard negative that reads it with the sentences after it ("Unsubscribe?? Nah I like the
 * reminders"); a blank that eats into them ("Stop. By the way...") is not, and neither is a
 * keyword sentence that a hard negative reads as a joke only when it runs on with what follows
 * ("stop you're too much" is, "STOP. You're too much" opts out).
 */
function blankedByWhatCameAfter(pieces: readonly string[], index: number): boolean {
  if (index === pieces.length - 1) {
    return false;
  }
  const after = pieces.slice(index + 1).join(" ");
  return (
    TAKEN_BACK.test(after) &&
    masked(`${pieces[index]} ${after}`, stop) === `~ ${masked(after, stop)}`
  );
}

// A keyword shouted as a sentence of its own, ended by a full stop, a question or exclamation
// mark or a line break ("STOP. Deliveries are done"), is an opt-out even when a hard negative
// read it with the words after it ("stop deliveries ..."), which would hide it from the sentence
// split below; after a comma it may be the first word of the clause ("stop, you're too sweet").
const SENTENCE_ENDS = /[.!?\n]+/;
function keywordSentence(raw: string, text: string): boolean {
  return (
    tokensOf(text).some((token) => stop.tokens.has(token)) &&
    raw.split(SENTENCE_ENDS).some((piece) => stop.exact.has(normalize(piece)))
  );
}

/** The reply with messaging words typed with one slip repaired ("no mas mensjes"), or itself. */
function withChannelsRepaired(text: string): string {
  let changed = false;
  const tokens = tokensOf(text).map((token) => {
    const word = fuzzyChannelWord(token);
    if (word === null) {
      return token;
    }
    changed = true;
    return word;
  });
  return changed ? tokens.join(" ") : text;
}

/**
 * STOP with its evidence, or null; `text` is the normalised reply, `raw` the original. A reply
 * no rule takes is tried once more with its misspelt messaging words repaired.
 */
export function optOut(raw: string, normalized: string, repaired = false): OptOutDecision | null {
  const text = repaired ? normalized : withoutKeepWishes(raw, normalized);
  const bare = withoutCourtesy(text);
  if (stop.exact.has(text) || (bare.length > 0 && stop.exact.has(bare))) {
    return { intent: "STOP", confidence: 0.99, evidence: [`STOP exact "${text}"`] };
  }
  const visible = masked(text, stop);
  const phrase = phraseMatch(visible, stop);
  if (phrase !== null) {
    return { intent: "STOP", confidence: 0.95, evidence: [`STOP phrase "${phrase}"`] };
  }
  const dared = keepOnForm?.exec(visible)?.[0];
  if (dared !== undefined && keepOnRefused?.test(visible) === true) {
    return {
      intent: "STOP",
      confidence: 0.9,
      evidence: [`STOP keep told with a refusal "${dared}"`],
    };
  }
  const refusal = refusalOfMessages.exec(visible)?.[0];
  if (refusal !== undefined) {
    return { intent: "STOP", confidence: 0.9, evidence: [`STOP refusal of messages "${refusal}"`] };
  }
  const verb = refusedVerb?.exec(visible)?.[0];
  if (verb !== undefined) {
    return { intent: "STOP", confidence: 0.9, evidence: [`STOP refused messaging verb "${verb}"`] };
  }
  const closing = closingRefusal.exec(withoutCourtesy(visible))?.[0];
  if (closing !== undefined) {
    return { intent: "STOP", confidence: 0.85, evidence: [`STOP closing refusal "${closing}"`] };
  }
  const words = tokensOf(visible).filter((token) => token !== "~");
  if (words.length <= SHORT_REPLY_TOKENS) {
    const keyword = words.find((token) => stop.tokens.has(token));
    if (keyword !== undefined) {
      return {
        intent: "STOP",
        confidence: 0.9,
        evidence: [`STOP keyword "${keyword}" in short reply`],
      };
    }
  }
  if (words.length <= TYPO_REPLY_TOKENS) {
    for (const word of words) {
      const keyword = fuzzyOptOutKeyword(word);
      if (keyword !== null) {
        return {
          intent: "STOP",
          confidence: 0.8,
          evidence: [`STOP typo "${word}" of "${keyword}"`],
        };
      }
    }
  }
  if (words.length <= FALLBACK_REPLY_TOKENS) {
    const cue = anywhereRefusal.exec(visible)?.[0];
    const channel = cue === undefined ? undefined : messagingWord.exec(visible)?.[0];
    if (cue !== undefined && channel !== undefined) {
      return {
        intent: "STOP",
        confidence: 0.75,
        evidence: [`STOP refusal "${cue}" and messaging word "${channel}" in a short reply`],
      };
    }
  }
  // Whether a "stop" is unexplained is one answer for the whole reply, found at most once.
  let unexplained: boolean | undefined;
  const stopCounts = (): boolean => {
    if (unexplained === undefined) {
      unexplained = stopUnexplained(raw);
    }
    return unexplained;
  };
  const anywhere = words.find(
    (token) =>
      (stop.anywhere.has(token) && (token !== STOP_WORD || stopCounts())) ||
      (token.length >= LONG_KEYWORD && (fuzzyOptOutKeyword(token)?.length ?? 0) >= LONG_KEYWORD),
  );
  if (anywhere !== undefined) {
    return {
      intent: "STOP",
      confidence: 0.7,
      evidence: [`STOP keyword "${anywhere}" in a longer reply`],
    };
  }
  // A shouted "STOP." as its own sentence inside a longer reply is still an opt-out. Only worth
  // splitting the reply when one of its words could make such a sentence, or a keyword the
  // whole-reply masks blanked stands as a sentence of its own.
  if (
    /[.!?\n,;:¡¿]/.test(raw) &&
    (words.some((word) => sentenceWords.has(word)) || keywordSentence(raw, text))
  ) {
    const pieces = segments(raw);
    for (let index = 0; index < pieces.length; index++) {
      const segment = pieces[index] ?? "";
      const segmentWords = visibleWords(segment);
      // A keyword the whole reply blanks ("Alto ahí, ya pagué") is not revived by the split;
      // a sentence that is itself a keyword ("Stop. By the way...") still counts, unless what
      // came before blanks that sentence whole ("... a $45 late fee? remove it": the fee).
      const keyword = segmentWords.find((token) => stop.tokens.has(token) && words.includes(token));
      if (
        (stop.exact.has(segment) &&
          !blankedByWhatCameBefore(pieces, index) &&
          !blankedByWhatCameAfter(pieces, index)) ||
        (segmentWords.length <= 3 && keyword !== undefined)
      ) {
        return { intent: "STOP", confidence: 0.9, evidence: [`STOP sentence "${segment}"`] };
      }
    }
  }
  if (!repaired) {
    const fixed = withChannelsRepaired(text);
    if (fixed !== text) {
      const decision = optOut(raw, fixed, true);
      if (decision !== null) {
        return {
          ...decision,
          evidence: [...decision.evidence, `messaging words read as "${fixed}"`],
        };
      }
    }
  }
  return null;
}
