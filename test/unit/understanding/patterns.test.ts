import { describe, expect, it } from "vitest";
import { LEXICONS } from "../../../src/understanding/lexicon.js";
import { normalize } from "../../../src/understanding/normalize.js";
import { Alternation, bounded } from "../../../src/understanding/patterns.js";
import { INTENTS } from "../../../src/understanding/types.js";
import { loadCorpus } from "./corpus.js";

// A phrase list too long for V8 to optimise as one expression is compiled as several
// (patterns.ts `Alternation`). Split into small parts here, every list must still find the
// same first match and blank the same spans as the single expression would.

const texts = loadCorpus().map((entry) => normalize(entry.text));

function single(sources: readonly string[]): RegExp {
  return bounded(sources.join("|"), "g");
}

describe("an alternation compiled in parts", () => {
  for (const intent of INTENTS) {
    for (const key of ["phrases", "ignore"] as const) {
      const sources = LEXICONS.flatMap((lexicon) => lexicon.intents[intent]?.[key] ?? []);
      if (sources.length < 2) {
        continue;
      }
      it(`matches ${intent} ${key} as one expression would, on every corpus reply`, () => {
        const whole = single(sources);
        const length = sources.reduce((sum, source) => sum + source.length + 1, 0);
        const split = Alternation.of(sources, Math.min(1_000, Math.floor(length / 3)));
        expect(split.parts.length).toBeGreaterThan(1);
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
      });
    }
  }

  it("prefers the earlier source at the same position and handles empty matches", () => {
    const sources = ["a", "a b", "b c", "x?", "c d e"];
    const whole = single(sources);
    const split = Alternation.of(sources, 4);
    expect(split.parts.length).toBe(sources.length);
    for (const text of ["a b c d e", "b c d e", "q a b", "", "x x c d e", "c d e a"]) {
      whole.lastIndex = 0;
      expect(split.first(text)).toBe(whole.exec(text)?.[0] ?? null);
      whole.lastIndex = 0;
      expect(split.replace(text, "~")).toBe(text.replace(whole, "~"));
    }
  });

  it("joins alternations in order, as one list would", () => {
    const first = ["stop by", "by the"];
    const second = ["the way", "stop"];
    const joined = Alternation.concat([Alternation.of(first), Alternation.of(second)]);
    const whole = single([...first, ...second]);
    for (const text of ["stop by the way", "by the way stop", "the way"]) {
      whole.lastIndex = 0;
      expect(joined.replace(text, "~")).toBe(text.replace(whole, "~"));
    }
  });
});
