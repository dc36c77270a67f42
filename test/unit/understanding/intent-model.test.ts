import { describe, expect, it } from "vitest";
import { localMoment } from "../../../src/understanding/calendar.js";
import { classifyReply } from "../../../src/understanding/index.js";
import {
  INTENT_MODEL,
  IntentModel,
  type ModelOpinion,
  type RuleDecision,
  secondOpinion,
  stopSupported,
  vetoed,
  withSecondOpinion,
} from "../../../src/understanding/intent-model.js";
import { normalize } from "../../../src/understanding/normalize.js";
import { findDates } from "../../../src/understanding/resolve-date.js";
import { corpusFingerprint, trainIntentModel } from "../../tools/intent-model-training.js";
import { loadCorpus } from "./corpus.js";

// The learned second opinion (src/understanding/intent-model.ts): the shipped weights must come
// from the corpus as it is, training must be repeatable, and the rules it may overturn are few.

const corpus = loadCorpus().map(({ text, intent }) => ({ text, intent }));

function opinion(intent: ModelOpinion["intent"], probability: number): ModelOpinion {
  return { intent, probability, because: () => [] };
}

function decision(intent: RuleDecision["intent"], confidence: number): RuleDecision {
  return { intent, confidence, evidence: [] };
}

describe("the learned intent model", () => {
  it("was trained on the corpus as it is now (run `npm run train:intents` after changing it)", () => {
    expect(INTENT_MODEL.data.trainedOn).toEqual({
      replies: corpus.length,
      sha256: corpusFingerprint(corpus),
    });
  });

  it("trains the same weights from the same replies, and learns them", () => {
    const sample = corpus.filter((_, index) => index % 10 === 0);
    const first = trainIntentModel(sample);
    expect(trainIntentModel(sample)).toEqual(first);
    const model = new IntentModel(first);
    const right = sample.filter(
      (reply) => model.opinion(normalize(reply.text))?.intent === reply.intent,
    );
    expect(right.length / sample.length).toBeGreaterThan(0.9);
  });

  it("never overturns an opt-out, never proposes START, and keeps the rules' sure decisions", () => {
    expect(withSecondOpinion(decision("STOP", 0.6), opinion("PAID", 0.99)).intent).toBe("STOP");
    expect(withSecondOpinion(decision("OTHER", 0.5), opinion("START", 0.99)).intent).toBe("OTHER");
    expect(
      secondOpinion(decision("PAID", 0.9), "i will pay friday", "", false, () => []).intent,
    ).toBe("PAID");
  });

  it("replaces OTHER when fairly sure, a weak decision when surer, and a weak one never by STOP", () => {
    expect(withSecondOpinion(decision("OTHER", 0.5), opinion("PAID", 0.45)).intent).toBe("PAID");
    // STOP over OTHER needs 0.6 ("me marca alguien? no se mandar mensajes bien" drew STOP 0.41).
    expect(withSecondOpinion(decision("OTHER", 0.5), opinion("STOP", 0.45)).intent).toBe("OTHER");
    expect(withSecondOpinion(decision("OTHER", 0.5), opinion("STOP", 0.65)).intent).toBe("STOP");
    expect(withSecondOpinion(decision("OTHER", 0.5), opinion("PAID", 0.35)).intent).toBe("OTHER");
    expect(withSecondOpinion(decision("HELP", 0.6), opinion("PAID", 0.55)).intent).toBe("HELP");
    expect(withSecondOpinion(decision("HELP", 0.6), opinion("PAID", 0.65)).intent).toBe("PAID");
    expect(withSecondOpinion(decision("HELP", 0.6), opinion("STOP", 0.99)).intent).toBe("HELP");
  });

  it("names STOP only beside a messaging or refusal word, or an opt-out keyword with no object", () => {
    // "cancel" with an object of its own is about that thing (drew STOP 0.63 in round 20).
    for (const reply of [
      "need to cancel Tuesday's haircut, something came up",
      "have to cancel my Thursday lesson, my kid is sick",
      "tengo que cancelar la cita del martes, me salio algo",
    ]) {
      expect(stopSupported(normalize(reply)), reply).toBe(false);
    }
    for (const reply of [
      "we moved to another state last month so please cancel",
      "moved out of state, cancel it please",
      "I want to quit getting these texts",
      "this is my work phone do not text it again",
      "ya me cambie de estado, cancelen mi servicio por favor",
    ]) {
      expect(stopSupported(normalize(reply)), reply).toBe(true);
    }
  });

  it("may not name an intent whose hard negatives the reply holds", () => {
    const options = { now: new Date("2026-11-20T15:00:00Z"), timeZone: "America/Chicago" };
    for (const text of [
      "I haven't paid yet",
      "no he pagado todavía",
      "Pls don't stop these reminders, they actually help me remember lol",
    ]) {
      expect(classifyReply(text, options).intent).toBe("OTHER");
    }
  });

  it("may not undo what the reply's dates decided", () => {
    const options = { now: new Date("2026-11-19T15:05:00Z"), timeZone: "America/Chicago" };
    // A payment told with a past time and no day ahead is no promise, whatever "le pago" and
    // "el viernes" taught the model.
    for (const text of [
      "se le pago al jardinero el viernes pasado en la mano",
      "le pago al muchacho ayer en la mano, pregúntele a él",
    ]) {
      expect(classifyReply(text, options).intent).toBe("PAID");
    }
    expect(classifyReply("le pago al jardinero el viernes", options).intent).toBe("PROMISE");
    // A promise with a firm day ahead, asking nothing, is no question of how to pay.
    const byPhone = classifyReply(
      "I don't like clicking links on my phone. I'll call in Monday and pay over the phone with my card.",
      options,
    );
    expect([byPhone.intent, byPhone.promiseDate]).toEqual(["PROMISE", "2026-11-23"]);
    expect(classifyReply("can I pay over the phone with my card?", options).intent).toBe("HELP");
  });

  it("says in the evidence when it decided, and a promise it found still gets its date", () => {
    const result = classifyReply("busy weekend, monday I swear", {
      now: new Date("2027-02-04T18:00:00Z"),
      timeZone: "America/Chicago",
    });
    expect(result.intent).toBe("PROMISE");
    expect(result.promiseDate).toBe("2027-02-08");
    expect(result.evidence.some((line) => line.startsWith("model PROMISE"))).toBe(true);
  });
});

describe("what the model may not propose, whatever its weights", () => {
  const now = localMoment(new Date("2026-11-19T15:05:00Z"), "America/Chicago");

  function forbids(rules: RuleDecision, proposed: ModelOpinion, reply: string): boolean {
    const text = normalize(reply);
    return vetoed(rules, proposed, text, reply, /[?¿]/.test(reply), () =>
      findDates(text, now, reply),
    );
  }

  it("a promise with no word of paying, a plan with no word of paying or splitting", () => {
    expect(
      forbids(decision("OTHER", 0.5), opinion("PROMISE", 0.9), "estan abiertos el sabado?"),
    ).toBe(true);
    expect(forbids(decision("OTHER", 0.5), opinion("PROMISE", 0.9), "le pago el sabado")).toBe(
      false,
    );
    expect(
      forbids(
        decision("OTHER", 0.5),
        opinion("PLAN", 0.98),
        "Tienen aguacate esta semana? Necesito 3 cajas.",
      ),
    ).toBe(true);
    expect(forbids(decision("OTHER", 0.5), opinion("PLAN", 0.9), "can I pay half now")).toBe(false);
  });

  it("an intent outside the matched phrases, and a promise over a plan that splits the bill", () => {
    const several = {
      ...decision("DISPUTE", 0.75),
      matchedIntents: ["DISPUTE", "PROMISE"] as const,
    };
    expect(
      forbids(several, opinion("PAID", 0.97), "le pare el pago al cheque, sigue fallando"),
    ).toBe(true);
    expect(
      forbids(several, opinion("PROMISE", 0.97), "le pare el pago al cheque, sigue fallando"),
    ).toBe(false);
    expect(
      forbids(decision("PLAN", 0.6), opinion("PROMISE", 0.8), "I'll pay $50 every Friday"),
    ).toBe(true);
  });

  it("a promise undone by the words around its date", () => {
    // A payment told with a past time is no promise.
    expect(
      forbids(
        decision("PAID", 0.6),
        opinion("PROMISE", 0.99),
        "se le pago al jardinero el viernes pasado",
      ),
    ).toBe(true);
    // A firm day ahead: no OTHER, no HELP unless asking, PAID only when the model is very sure.
    const dated = "Dejo el cheque en la oficina el miercoles";
    expect(forbids(decision("PROMISE", 0.7), opinion("OTHER", 0.9), dated)).toBe(true);
    expect(forbids(decision("PROMISE", 0.7), opinion("HELP", 0.9), dated)).toBe(true);
    expect(forbids(decision("PROMISE", 0.7), opinion("PAID", 0.63), dated)).toBe(true);
    expect(forbids(decision("PROMISE", 0.7), opinion("PAID", 0.95), dated)).toBe(false);
    expect(
      forbids(
        decision("PROMISE", 0.7),
        opinion("HELP", 0.9),
        "puedo pagar el miercoles con tarjeta?",
      ),
    ).toBe(false);
  });

  it("HELP over a dispute that asks nothing (the model never sees the question mark)", () => {
    const scam = { ...decision("DISPUTE", 0.75), matchedIntents: ["DISPUTE", "HELP"] as const };
    expect(forbids(scam, opinion("HELP", 0.9), "esto es una estafa")).toBe(true);
    expect(forbids(scam, opinion("HELP", 0.9), "esto es una estafa?")).toBe(false);
  });

  it("a reply's hard negatives for the intent, and STOP against a wish to keep the reminders", () => {
    expect(
      forbids(
        decision("OTHER", 0.5),
        opinion("STOP", 0.99),
        "Pls don't stop these reminders, they help me",
      ),
    ).toBe(true);
    expect(forbids(decision("OTHER", 0.5), opinion("STOP", 0.99), "no more texts please")).toBe(
      false,
    );
  });
});
