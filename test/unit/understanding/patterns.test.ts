import { describe, expect, it } from "vitest";
import { firstWords, secondWords } from "../../../src/understanding/first-words.js";
import { LEXICONS } from "../../../src/understanding/lexicon.js";
import { normalize } from "../../../src/understanding/normalize.js";
import { bounded } from "../../../src/understanding/patterns.js";
import { PhraseIndex } from "../../../src/understanding/phrase-index.js";
import { requiredPieces } from "../../../src/understanding/required-pieces.js";
import { INTENTS } from "../../../src/understanding/types.js";
import { loadCorpus } from "./corpus.js";

// A phrase list is not one expression: each phrase is tried only at the words it can begin with
// (phrase-index.ts, first-words.ts), and only when the reply holds a piece every match must hold
// (required-pieces.ts). Every list must still find the same first match and blank the
// same spans as the single alternation of its phrases would.

const texts = loadCorpus().map((entry) => normalize(entry.text));

function single(sources: readonly string[]): RegExp {
  return bounded(sources.join("|"), "g");
}

describe("a phrase index", () => {
  for (const intent of INTENTS) {
    for (const key of ["phrases", "ignore", "ignoreInQuestions"] as const) {
      const sources = LEXICONS.flatMap((lexicon) => lexicon.intents[intent]?.[key] ?? []);
      if (sources.length === 0) {
        continue;
      }
      it(`matches ${intent} ${key} as one expression would, on every corpus reply`, () => {
        const whole = single(sources);
        const split = PhraseIndex.of(sources);
        const differing: string[] = [];
        for (const text of texts) {
          whole.lastIndex = 0;
          const first = whole.exec(text)?.[0] ?? null;
          whole.lastIndex = 0;
          if (
            split.first(text) !== first ||
            split.replace(text, "~") !== text.replace(whole, "~")
          ) {
            differing.push(text);
          }
        }
        expect(differing).toEqual([]);
        // Every list against every corpus reply, twice: seconds on a loaded machine.
      }, 60_000);
    }
  }

  it("prefers the earlier source at the same position and handles empty matches", () => {
    const sources = ["a", "a b", "b c", "x?", "c d e", "^ ?q", "\\d+ (?:y|z)", "cancel+ed"];
    const whole = single(sources);
    const split = PhraseIndex.of(sources);
    const texts = ["a b c d e", "b c d e", "q a b", "", "x x c d e", "c d e a", " q", "12 z 3 y"];
    for (const text of [...texts, "cancellled ~ a", "~~ a b", "a b ", "Ab c"]) {
      whole.lastIndex = 0;
      expect(split.first(text)).toBe(whole.exec(text)?.[0] ?? null);
      whole.lastIndex = 0;
      expect(split.replace(text, "~")).toBe(text.replace(whole, "~"));
    }
  });

  it("still finds its phrases after the word table fills up and starts over", () => {
    // The index remembers, per word it has seen, that a list has no phrase there; those marks
    // must go with the words when the bounded table is cleared, or a new word given an old
    // word's place would be skipped.
    const index = PhraseIndex.of(["stop texting", "para ya"]);
    for (let block = 0; block < 25; block += 1) {
      const words = Array.from({ length: 1_000 }, (_, at) => `w${block}x${at}`);
      expect(index.first(words.join(" "))).toBeNull();
    }
    expect(index.first("please stop texting me")).toBe("stop texting");
    expect(index.replace("ok para ya por favor", "~")).toBe("ok ~ por favor");
  });

  it("joins lists in order, as one list would", () => {
    const first = ["stop by", "by the"];
    const second = ["the way", "stop"];
    const joined = PhraseIndex.concat([PhraseIndex.of(first), PhraseIndex.of(second)]);
    const whole = single([...first, ...second]);
    for (const text of ["stop by the way", "by the way stop", "the way"]) {
      whole.lastIndex = 0;
      expect(joined.replace(text, "~")).toBe(text.replace(whole, "~"));
    }
  });
});

describe("the words a phrase can begin with", () => {
  it("lists whole first words, and beginnings where a word runs on", () => {
    const found = firstWords("(?:i|we) (?:already )?paid|cancel+ed|over ?charged");
    expect([...found.words].sort()).toEqual(["canceled", "i", "over", "overcharged", "we"]);
    expect([...found.prefixes]).toEqual(["cancell"]);
    expect(found.anyPosition).toBe(false);
    expect(found.startOnly).toBe(false);
  });

  it("says when a phrase may begin off a word, or only at the start", () => {
    expect(firstWords("(?:le|lo)? ?pagare").anyPosition).toBe(true);
    expect(firstWords("^(?:ok )?stop$").startOnly).toBe(true);
    expect(firstWords("^stop|halt").startOnly).toBe(false);
    expect([...firstWords("\\d+ veces").prefixes].sort()).toEqual([..."0123456789"]);
  });

  it("lists second words only when every match goes on to one", () => {
    expect([...(secondWords("(?:i|we) (?:already )?paid") ?? [])].sort()).toEqual([
      "already",
      "paid",
    ]);
    // A match may end after "stop", or go on to any word.
    expect(secondWords("stop(?: it)?")).toBeNull();
    expect(secondWords("stop [a-z]+ now")).toBeNull();
  });
});

describe("the pieces every match of a phrase holds", () => {
  it("takes the most telling literal step or run of steps, alternatives multiplied out", () => {
    expect(
      requiredPieces("(?:no|ya no) (?:me )?(?:escrib|mand)[a-z]* en (?:ingles|spanish)"),
    ).toEqual(["ingles", "spanish"]);
    expect(requiredPieces("stop texting(?: me)?")).toEqual(["stop texting"]);
    expect(requiredPieces("(?:a lot|steep) for")).toEqual(["a lot for", "steep for"]);
    expect(requiredPieces("cancel+ed check")).toEqual(["ed check"]);
  });

  it("lists nothing a match may do without", () => {
    // A lookaround consumes nothing and an optional step may match nothing; a short piece tells
    // nothing.
    expect(requiredPieces("(?:ill|i will) pay(?= (?:on )?friday)")).toEqual([
      "ill pay",
      "i will pay",
    ]);
    expect(requiredPieces("(?:please )?(?:stop|quit)")).toEqual(["stop", "quit"]);
    expect(requiredPieces("(?:stop )?me")).toBeNull();
    expect(requiredPieces("[a-z]+in")).toBeNull();
    expect(requiredPieces("x|y")).toBeNull();
  });

  it("takes one piece from each branch of an alternation", () => {
    expect(requiredPieces("stop texting|no more texts")).toEqual(["stop texting", "no more texts"]);
    expect(requiredPieces("unsubscribe|[a-z]+ me off")).toEqual(["unsubscribe", " me off"]);
    // A branch with no piece leaves the whole phrase without one.
    expect(requiredPieces("unsubscribe|[a-z]+ x")).toBeNull();
  });
});
