import { describe, expect, it } from "vitest";
import { classifyReply } from "../../../src/understanding/index.js";
import { LEXICONS } from "../../../src/understanding/lexicon.js";
import symbols from "../../../src/understanding/lexicons/symbols.json" with { type: "json" };
import { arrivalInstant, loadCorpus } from "./corpus.js";

// The second stage (cues.ts): cue words vote for a reply no phrase rule recognised.

const options = { now: new Date("2026-11-18T20:05:00Z"), timeZone: "America/Chicago" };

function cueEvidence(text: string, at = options): string | undefined {
  return classifyReply(text, at).evidence.find((line) => line.includes(" cues "));
}

describe("the cue-word stage", () => {
  it("never lists STOP cues: opt-outs stay rule-first", () => {
    for (const lexicon of LEXICONS) {
      expect(Object.keys(lexicon.cues)).not.toContain("STOP");
    }
    expect(Object.keys(symbols.cueScoring.features)).not.toContain("STOP");
  });

  it.each([
    ["Pd it yesterday", "PAID", '"pd"'],
    // "Ya hice la transferencia..." is now a phrase rule; a card run at the door is not.
    ["El técnico pasó mi tarjeta cuando terminó", "PAID", '"paso mi tarjeta"'],
    ["The AC guy ran my card when he finished", "PAID", '"ran my card"'],
    ["Factura por favor", "COPY", '"factura"'],
    ["Can u text me a pic of the bill", "COPY", '"pic"'],
    ["Ustedes me dijeron que la revisión era gratis", "DISPUTE", '"gratis"'],
    ["Esto está mal, el presupuesto fue de 200", "DISPUTE", '"esta mal"'],
    ["Me ayudan con un plan? Estoy sin trabajo ahorita", "PLAN", '"plan"'],
    ["which dentist is this", "HELP", '"which"'],
  ])("decides %j as %s and says which cues decided", (text, intent, cue) => {
    const result = classifyReply(text, options);
    expect(result.intent).toBe(intent);
    const evidence = cueEvidence(text);
    expect(evidence).toContain(`${intent} cues`);
    expect(evidence).toContain(cue);
    expect(evidence).toMatch(/score \d/);
  });

  it.each([
    // A negation cancels the cue after it in the same clause.
    ["I haven't paid yet"],
    ["no he pagado todavía"],
    // One weak cue is below the threshold.
    ["My husband handles the bills"],
    ["Will I get a receipt once I pay?"],
    ["Can I get a quote for fall cleanup too?"],
    // A tie between two intents is no decision.
    ["sorry who do i send the zelle to"],
    // OTHER's cues (a joke) count against every intent.
    ["my dog ate the invoice lol jk"],
  ])("leaves %j as OTHER", (text) => {
    expect(classifyReply(text, options).intent).toBe("OTHER");
  });

  it("matches a stem's every ending", () => {
    // "overcharged" alone is a phrase rule already; the stem catches the other endings.
    for (const text of ["overcharging again??", "you overcharge every time"]) {
      expect(cueEvidence(text)).toContain('"overcharg*" 2');
    }
  });

  it("lets a stronger dispute overrule a claim of payment the phrase rules put first", () => {
    const text =
      "That's not mine, I paid for the brakes already and this is for an oil change I never got";
    const result = classifyReply(text, options);
    expect(result.intent).toBe("DISPUTE");
    expect(result.evidence[0]).toMatch(/^DISPUTE cues .* over PAID$/);
    // Only the pairs symbols.json allows: a plan with a date stays a plan.
    expect(classifyReply("I can pay $50 now and the rest next month", options).intent).toBe("PLAN");
  });

  it("turns no labeled OTHER line of the corpus into an intent", () => {
    const decided = loadCorpus()
      .filter((entry) => entry.intent === "OTHER")
      .map((entry) => ({
        text: entry.text,
        evidence: cueEvidence(entry.text, {
          now: arrivalInstant(entry.now, entry.tz),
          timeZone: entry.tz,
        }),
      }))
      .filter((entry) => entry.evidence !== undefined);
    expect(decided).toEqual([]);
  });
});
