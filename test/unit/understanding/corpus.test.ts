import { describe, expect, it } from "vitest";
import {
  classifyReply,
  INTENTS,
  type Intent,
  type ReplyClassification,
} from "../../../src/understanding/index.js";
import {
  arrivalInstant,
  type CorpusEntry,
  expectedDate,
  loadCorpus,
  loadPendingSets,
} from "./corpus.js";

// Accuracy over the labeled corpus, against the targets of issue 3. The figures are printed so a
// failing run shows where the misses are, not only that there are some.

const corpus = loadCorpus();

interface Outcome {
  entry: CorpusEntry;
  result: ReplyClassification;
  expectedDate: string | null;
}

const outcomes: Outcome[] = corpus.map((entry) => ({
  entry,
  result: classifyReply(entry.text, {
    now: arrivalInstant(entry.now, entry.tz),
    timeZone: entry.tz,
  }),
  expectedDate: expectedDate(entry.date, entry.now, entry.tz),
}));

function ratio(hits: number, total: number): number {
  return total === 0 ? 1 : hits / total;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

const correct = (outcome: Outcome) => outcome.result.intent === outcome.entry.intent;

function report(): string {
  const lines = [`understanding corpus: ${outcomes.length} replies`];
  lines.push(
    `  overall intent accuracy ${percent(ratio(outcomes.filter(correct).length, outcomes.length))}`,
  );
  for (const language of ["en", "es"] as const) {
    const subset = outcomes.filter((outcome) => outcome.entry.lang === language);
    lines.push(
      `  ${language}: intent ${percent(ratio(subset.filter(correct).length, subset.length))} (${subset.length}), ` +
        `language detected ${percent(ratio(subset.filter((o) => o.result.language === language).length, subset.length))}`,
    );
  }
  for (const intent of INTENTS) {
    const gold = outcomes.filter((outcome) => outcome.entry.intent === intent);
    const predicted = outcomes.filter((outcome) => outcome.result.intent === intent);
    const hits = gold.filter(correct).length;
    lines.push(
      `  ${intent.padEnd(13)} n=${String(gold.length).padStart(3)} recall ${percent(ratio(hits, gold.length)).padStart(6)} precision ${percent(ratio(hits, predicted.length)).padStart(6)}`,
    );
  }
  const promises = outcomes.filter((outcome) => outcome.entry.intent === "PROMISE");
  lines.push(
    `  promise date exact ${percent(ratio(promises.filter((o) => o.result.promiseDate === o.expectedDate).length, promises.length))} (${promises.length})`,
  );
  const misses = outcomes.filter(
    (o) => !correct(o) || (o.entry.intent === "PROMISE" && o.result.promiseDate !== o.expectedDate),
  );
  for (const miss of misses) {
    lines.push(
      `  miss ${miss.entry.file}:${miss.entry.line} ${JSON.stringify(miss.entry.text)} want ${miss.entry.intent} ${miss.expectedDate ?? ""} got ${miss.result.intent} ${miss.result.promiseDate ?? ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

describe("reply understanding over the labeled corpus", () => {
  it("is large and varied enough to mean something", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(600);
    const spanish = corpus.filter((entry) => entry.lang === "es").length;
    expect(spanish / corpus.length).toBeGreaterThanOrEqual(0.35);
    for (const intent of INTENTS) {
      expect(corpus.filter((entry) => entry.intent === intent).length).toBeGreaterThanOrEqual(10);
    }
    const zones = new Set(corpus.map((entry) => entry.tz));
    expect(zones.size).toBeGreaterThanOrEqual(12);
  });

  it("meets the accuracy targets of issue 3", () => {
    process.stdout.write(report());
    const overall = ratio(outcomes.filter(correct).length, outcomes.length);
    expect(overall).toBeGreaterThanOrEqual(0.97);
    for (const language of ["en", "es"] as const) {
      const subset = outcomes.filter((outcome) => outcome.entry.lang === language);
      expect(ratio(subset.filter(correct).length, subset.length)).toBeGreaterThanOrEqual(0.95);
    }
  });

  it("never misses an opt-out, and rarely calls something else one", () => {
    const stop: Intent = "STOP";
    const gold = outcomes.filter((outcome) => outcome.entry.intent === stop);
    const missed = gold.filter((outcome) => outcome.result.intent !== stop);
    expect(missed.map((outcome) => outcome.entry.text)).toEqual([]);
    const predicted = outcomes.filter((outcome) => outcome.result.intent === stop);
    const wrong = predicted.filter((outcome) => outcome.entry.intent !== stop);
    expect(ratio(predicted.length - wrong.length, predicted.length)).toBeGreaterThanOrEqual(0.98);
  });

  it("resolves promise dates exactly for at least 95% of promises", () => {
    const promises = outcomes.filter((outcome) => outcome.entry.intent === "PROMISE");
    const exact = promises.filter((outcome) => outcome.result.promiseDate === outcome.expectedDate);
    expect(ratio(exact.length, promises.length)).toBeGreaterThanOrEqual(0.95);
  });

  it("gives a promise date only for PROMISE and installments only for PLAN", () => {
    for (const { result } of outcomes) {
      if (result.intent !== "PROMISE") {
        expect(result.promiseDate).toBeNull();
      }
      if (result.intent !== "PLAN") {
        expect(result.installments).toBeNull();
      }
    }
  });

  it("counts installments where the corpus names them", () => {
    const plans = outcomes.filter(
      (outcome) => outcome.entry.installments !== undefined && correct(outcome),
    );
    expect(plans.length).toBeGreaterThanOrEqual(10);
    for (const { entry, result } of plans) {
      expect({ text: entry.text, installments: result.installments }).toEqual({
        text: entry.text,
        installments: entry.installments,
      });
    }
  });

  it("detects the language of at least 95% of replies", () => {
    const detected = outcomes.filter((outcome) => outcome.result.language === outcome.entry.lang);
    expect(ratio(detected.length, outcomes.length)).toBeGreaterThanOrEqual(0.95);
  });
});

describe("sets written blind and not tuned on yet (corpus/pending)", () => {
  it("are well-formed: every line parses, dates only on promises, every date spec computes", () => {
    const pending = loadPendingSets();
    expect(pending.length).toBeGreaterThan(0);
    for (const entry of pending) {
      expect(Number.isNaN(arrivalInstant(entry.now, entry.tz).getTime())).toBe(false);
      if (entry.date) {
        expect(entry.intent).toBe("PROMISE");
        expect(expectedDate(entry.date, entry.now, entry.tz)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });
});
