import { describe, expect, it } from "vitest";
import { classifyReply, INTENTS } from "../../../src/understanding/index.js";

const options = { now: new Date("2026-11-18T20:05:00Z"), timeZone: "America/Chicago" };

function pseudoRandomText(seed: number, length: number): string {
  // A fixed linear congruential sequence: varied code points, same every run.
  let state = seed;
  let text = "";
  for (let index = 0; index < length; index += 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += String.fromCharCode(state % 0xffff);
  }
  return text;
}

describe("classifyReply on input that is not a normal reply", () => {
  it.each([
    ["empty", ""],
    ["whitespace", "   \n\t "],
    ["emoji only", "😀😀🎉"],
    ["punctuation", "?!?!..."],
    ["1,600 characters", "I will pay ".repeat(146).slice(0, 1600)],
    ["binary-looking", "\u0000\u0001\u0002\uFFFD\uD800\u0007%PDF-1.4 \u00ff\u00fe"],
    ["random code points", pseudoRandomText(7, 1600)],
    ["digits only", "4155550100"],
  ])("classifies %s without throwing", (_name, text) => {
    const result = classifyReply(text, options);
    expect(INTENTS).toContain(result.intent);
    expect(["en", "es"]).toContain(result.language);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it("calls an empty or emoji-only reply OTHER, in the thread's language", () => {
    expect(classifyReply("", { ...options, language: "es" })).toMatchObject({
      intent: "OTHER",
      language: "es",
      promiseDate: null,
    });
    expect(classifyReply("😀🎉", options).intent).toBe("OTHER");
  });

  it("still finds an opt-out at the end of a 1,600-character reply", () => {
    const text = `${"blah ".repeat(310)}please stop texting me`;
    expect(text.length).toBeGreaterThan(1_550);
    expect(classifyReply(text, options).intent).toBe("STOP");
  });

  it("rejects an unknown time zone or an invalid instant with a RangeError", () => {
    expect(() =>
      classifyReply("I'll pay Friday", { ...options, timeZone: "Mars/Olympus" }),
    ).toThrow(RangeError);
    expect(() =>
      classifyReply("I'll pay Friday", { ...options, now: new Date(Number.NaN) }),
    ).toThrow(RangeError);
  });

  it("is deterministic", () => {
    const text = "le pago el viernes en la mañana";
    expect(classifyReply(text, options)).toEqual(classifyReply(text, options));
  });
});

describe("classifyReply rules that matter most", () => {
  it.each([
    "Stop texting me and have someone call me",
    "STOP I'll pay Friday",
    "I already paid. STOP",
    "no me manden más mensajes, ya pagué",
    "🛑",
    "s t o p",
    "borren mi numero",
  ])("opt-out wins over every other intent: %s", (text) => {
    expect(classifyReply(text, options).intent).toBe("STOP");
  });

  it.each([
    ["I'll stop by to pay Friday", "PROMISE"],
    ["para el viernes le pago", "PROMISE"],
    ["I have the cancelled check, it was paid", "PAID"],
    ["end of month", "PROMISE"],
    ["a fin de mes le pago", "PROMISE"],
  ])("is not fooled by opt-out words used otherwise: %s", (text, intent) => {
    expect(classifyReply(text, options).intent).toBe(intent);
  });

  it("reads 'en la mañana' against the hour of arrival", () => {
    const morning = { now: new Date("2026-11-19T14:00:00Z"), timeZone: "America/Chicago" };
    const evening = { now: new Date("2026-11-20T02:00:00Z"), timeZone: "America/Chicago" };
    expect(classifyReply("le pago en la mañana", morning).promiseDate).toBe("2026-11-19");
    expect(classifyReply("le pago en la mañana", evening).promiseDate).toBe("2026-11-20");
    expect(classifyReply("mañana en la mañana le pago", evening).promiseDate).toBe("2026-11-20");
  });

  it("says what matched", () => {
    const result = classifyReply("para el viernes le pago", options);
    expect(result.evidence.join(" ")).toContain("viernes");
    expect(result.promiseDate).toBe("2026-11-20");
  });

  it("uses the thread's language only to break a tie", () => {
    expect(classifyReply("ok", { ...options, language: "es" }).language).toBe("es");
    expect(classifyReply("I'll pay Friday", { ...options, language: "es" }).language).toBe("en");
  });

  it.each([
    ["2026-11-19T05:59:00Z", "America/Chicago", "2026-11-19"],
    ["2026-11-19T06:00:00Z", "America/Chicago", "2026-11-20"],
    ["2026-11-01T05:59:00Z", "America/New_York", "2026-11-02"],
    ["2026-11-01T06:00:00Z", "America/New_York", "2026-11-02"],
    ["2026-11-01T06:59:00Z", "America/New_York", "2026-11-02"],
    ["2026-03-08T06:59:00Z", "America/New_York", "2026-03-09"],
    ["2026-03-08T07:00:00Z", "America/New_York", "2026-03-09"],
    ["2027-01-01T07:59:00Z", "America/Los_Angeles", "2027-01-01"],
    ["2027-01-01T08:00:00Z", "America/Los_Angeles", "2027-01-02"],
    ["2026-11-19T09:59:00Z", "Pacific/Honolulu", "2026-11-19"],
    ["2026-11-19T10:00:00Z", "Pacific/Honolulu", "2026-11-20"],
  ])(
    "reads 'tomorrow' at %s in %s as %s, minute by minute across midnight and DST",
    (now, timeZone, expected) => {
      expect(classifyReply("tomorrow", { now: new Date(now), timeZone }).promiseDate).toBe(
        expected,
      );
    },
  );
});

describe("rules added after measuring on fresh text", () => {
  const at = (local: string) => ({
    now: new Date(`${local}-06:00`),
    timeZone: "America/Chicago",
  });

  it("ends the half-month on the 15th or on the month's last day, whichever comes first", () => {
    expect(classifyReply("a fin de quincena le pago", at("2026-11-05T10:00"))).toMatchObject({
      intent: "PROMISE",
      promiseDate: "2026-11-15",
    });
    expect(classifyReply("a fin de quincena le pago", at("2026-11-16T10:00"))).toMatchObject({
      intent: "PROMISE",
      promiseDate: "2026-11-30",
    });
  });

  it("lets a firmer phrase replace the part of the day inside it", () => {
    // At 9 am "en la tarde" alone is this afternoon; "mañana en la tarde" is still tomorrow.
    expect(classifyReply("mañana en la tarde le pago", at("2026-11-18T09:00"))).toMatchObject({
      promiseDate: "2026-11-19",
    });
    expect(classifyReply("le pago en la tarde", at("2026-11-18T09:00"))).toMatchObject({
      promiseDate: "2026-11-18",
    });
  });

  it("reads a reply that opens with its date as a promise, and a greeting as nothing", () => {
    expect(classifyReply("Friday. Sorry for the delay - Tom", options).intent).toBe("PROMISE");
    expect(classifyReply("monday when the banks open", options).intent).toBe("PROMISE");
    expect(classifyReply("Today is my day off", options).intent).toBe("OTHER");
  });

  it("keeps cancelling an appointment apart from cancelling the messages", () => {
    expect(classifyReply("cancel my appointment?", options).intent).toBe("OTHER");
    expect(classifyReply("cancel my service", options).intent).toBe("STOP");
    expect(classifyReply("Cancel these reminders", options).intent).toBe("STOP");
  });

  it("takes a restated START, but YES only alone", () => {
    expect(classifyReply("ok start sending again", options).intent).toBe("START");
    expect(classifyReply("resubscribe please", options).intent).toBe("START");
    expect(classifyReply("yes thank you", options).intent).toBe("OTHER");
  });
});

describe("rules added after the third and fourth blind sets", () => {
  const at = (local: string) => ({
    now: new Date(`${local}-06:00`),
    timeZone: "America/Chicago",
  });

  it("reads 'right now' / 'ahorita' as today only beside a word of paying, in the same clause", () => {
    expect(classifyReply("ahorita le pago", options).promiseDate).toBe("2026-11-18");
    expect(classifyReply("I'll pay it soon, things are crazy right now", options)).toMatchObject({
      intent: "PROMISE",
      promiseDate: null,
    });
    // A negated mention gives way to another one: "ahorita no tengo" is no date.
    expect(classifyReply("Le pago el viernes, ahorita no tengo", options).promiseDate).toBe(
      "2026-11-20",
    );
  });

  it("lets a holiday named as a greeting give way to the promised day", () => {
    expect(
      classifyReply(
        "Ill pay it tmrw morning first thing. Happy thanksgiving",
        at("2026-11-26T21:00"),
      ),
    ).toMatchObject({ intent: "PROMISE", promiseDate: "2026-11-27" });
    expect(classifyReply("I'll pay after Thanksgiving", at("2026-11-20T11:00")).promiseDate).toBe(
      "2026-11-27",
    );
  });

  it("takes the promised day over the day the customer is paid, said in another clause", () => {
    expect(classifyReply("Friday? I get paid Thursday night", options).promiseDate).toBe(
      "2026-11-20",
    );
    expect(classifyReply("I get paid Thursday, I'll pay then", options).promiseDate).toBe(
      "2026-11-19",
    );
  });

  it("counts 'give me a week' and 'de hoy en ocho' from today", () => {
    expect(classifyReply("give me a week", options).promiseDate).toBe("2026-11-25");
    expect(classifyReply("de hoy en ocho le pago", options).promiseDate).toBe("2026-11-25");
  });

  it("takes a bare plan keyword or menu number as PLAN, with its installments", () => {
    expect(classifyReply("Plan porfavor", options).intent).toBe("PLAN");
    expect(classifyReply("3", options)).toMatchObject({ intent: "PLAN", installments: 3 });
    expect(classifyReply("1", options).intent).toBe("OTHER");
  });

  it("asks what this is when the reply asks whether it is a scam, and disputes when it says so", () => {
    expect(classifyReply("is this a scam?", options).intent).toBe("HELP");
    expect(classifyReply("¿es fraude?", options).intent).toBe("HELP");
    expect(classifyReply("esto es un fraude", options).intent).toBe("DISPUTE");
  });

  it("does not read an appointment, a visit for something else or a put-off answer as a promise", () => {
    expect(
      classifyReply("Se puede cambiar mi cita del martes para el jueves?", options).intent,
    ).toBe("OTHER");
    expect(classifyReply("I'll stop by the shop tomorrow to pick up my car", options).intent).toBe(
      "OTHER",
    );
    expect(classifyReply("I'll stop by tomorrow to pay", options).intent).toBe("PROMISE");
    expect(classifyReply("ok mañana te digo", options).intent).toBe("OTHER");
    expect(classifyReply("mañana te hablo para pagarte", options).intent).toBe("PROMISE");
  });
});

describe("opt-out compositions (round five)", () => {
  it.each([
    ["ya no me textien porfa", "refused messaging verb"],
    ["ya no me mensajeen", "refused messaging verb"],
    ["ni me escriban", "refused messaging verb"],
    ["texts no more", "closing refusal"],
    ["los recordatorios ya basta", "closing refusal"],
    ["mensajes no quiero mas", "in a short reply"],
    ["these reminders I dont need", "in a short reply"],
    ["no mas mensjes", "messaging words read as"],
    ["how do i unsubcribe from this", "in a longer reply"],
  ])("%s is STOP by the %s rule", (text, rule) => {
    const result = classifyReply(text, options);
    expect(result.intent).toBe("STOP");
    expect(result.evidence.join(" ")).toContain(rule);
  });

  it.each([
    "no me llamen al trabajo, mejor textéenme",
    "dont call me, text me instead",
    "I dont need a plan, just text me the total",
    "no quiero que me cobren el recargo",
    "no me escribió el técnico",
    "no me llegan los mensajes",
    "the message said no more late fees",
    "dont remind me of that lol",
    "take me off autopay",
    "please stop charging my card",
    "I want to be removed from the account, my ex pays",
  ])("%s is not an opt-out", (text) => {
    expect(classifyReply(text, options).intent).not.toBe("STOP");
  });
});

describe("dates beside holidays, and replies that told no opt-out (round fifteen)", () => {
  const november = { now: new Date("2026-11-19T15:05:00Z"), timeZone: "America/Chicago" };

  it("reads a weekday after or before a holiday as the first such weekday after it, or the last before", () => {
    const promises: [string, string][] = [
      ["I will pay it the monday after thanksgiving", "2026-11-30"],
      ["el lunes después de Navidad le pago", "2026-12-28"],
      ["el viernes antes de navidad le pago todo", "2026-12-18"],
      ["I'll pay after Thanksgiving", "2026-11-27"],
      ["le pago el cyber monday", "2026-11-30"],
      ["el lunes despues de la navidad le pago", "2026-12-28"],
    ];
    for (const [text, day] of promises) {
      expect(classifyReply(text, november).promiseDate).toBe(day);
    }
  });

  it("reads 'no paré de llamar' as a story or a wish to keep the calls, never as an opt-out", () => {
    for (const text of [
      "No pare de llamar para que vinieran y nunca llegaron, no les voy a pagar nada",
      "no paré de llamarles toda la semana y nadie vino, no pago nada",
    ]) {
      expect(classifyReply(text, november).intent).toBe("DISPUTE");
    }
    for (const text of [
      "pare de llamarme",
      "paren de llamar y de mandar mensajes",
      "dejen de llamarme",
    ]) {
      expect(classifyReply(text, november).intent).toBe("STOP");
    }
  });

  it("keeps a charge made twice apart from a bill split in two charges", () => {
    expect(
      classifyReply(
        "me hicieron double charge, revise su sistema. Tengo los 2 cargos en mi bank statement, uno el 3 y otro el 4",
        november,
      ).intent,
    ).toBe("DISPUTE");
    expect(classifyReply("puedo pagar en 2 cargos, uno el 3 y otro el 4", november).intent).toBe(
      "PLAN",
    );
  });

  it("reads a bill 'cancelado' as paid and a service cancelled as a dispute", () => {
    expect(
      classifyReply(
        "este cobro ya lo habia cancelado con la señora Lupita por telefono, pregunten le a ella",
        november,
      ).intent,
    ).toBe("PAID");
    expect(classifyReply("la membresía ya la cancelé, no me cobren", november).intent).toBe(
      "DISPUTE",
    );
  });
});

describe("the first of the month", () => {
  const november = { now: new Date("2026-11-19T15:05:00Z"), timeZone: "America/Chicago" };

  it("is itself after it (the day the money comes) and the day before before it", () => {
    const promises: [string, string][] = [
      ["I'll pay after the 1st", "2026-12-01"],
      ["I'll pay before the 1st", "2026-11-30"],
      ["antes del 1 le pago", "2026-11-30"],
      ["I'll pay after the 15th", "2026-12-16"],
    ];
    for (const [text, day] of promises) {
      expect(classifyReply(text, november).promiseDate).toBe(day);
    }
  });
});

describe("a stop about something else", () => {
  it("lets a stop go only before a word that is plainly a gerund", () => {
    expect(
      classifyReply("Please stop parking your truck across my driveway", options).intent,
    ).not.toBe("STOP");
    for (const text of [
      "i already paid you guys so stop again with all this",
      "stop within the hour or I report you",
    ]) {
      expect(classifyReply(text, options).intent).toBe("STOP");
    }
  });
});

describe("a payment told as sent before a bare weekday", () => {
  const march = { now: new Date("2027-03-10T18:00:00Z"), timeZone: "America/Chicago" };

  it("is a promise after an auxiliary with its object", () => {
    for (const text of ["I'll get it mailed Monday", "I will have the check mailed Monday"]) {
      expect(classifyReply(text, march)).toMatchObject({
        intent: "PROMISE",
        promiseDate: "2027-03-15",
      });
    }
  });

  it("is no payment when denied, or when nothing says what left", () => {
    for (const text of [
      "The check wasn't mailed Monday",
      "no lo mande el lunes",
      "todavia no lo mande el lunes",
      "I haven't mailed it Monday yet",
      "se fue el lunes",
    ]) {
      expect(classifyReply(text, march).intent).not.toBe("PAID");
    }
  });

  it("is still paid after a word that only ends like an auxiliary", () => {
    expect(classifyReply("Jaime mailed the check Monday", march)).toMatchObject({
      intent: "PAID",
      promiseDate: null,
    });
  });

  it("keeps the sent weekday past and the present a promise", () => {
    expect(
      classifyReply("Check #2214 went out Monday", {
        now: new Date("2027-06-03T21:39:00Z"),
        timeZone: "America/Los_Angeles",
      }).intent,
    ).toBe("PAID");
    expect(classifyReply("lo mandé el lunes", march).intent).toBe("PAID");
    expect(classifyReply("check goes out Monday", march).intent).toBe("PROMISE");
    expect(classifyReply("I'll mail it Tuesday", march)).toMatchObject({
      intent: "PROMISE",
      promiseDate: "2027-03-16",
    });
  });
});

describe("a present followed by what the customer is doing", () => {
  const march = { now: new Date("2027-03-10T18:00:00Z"), timeZone: "America/Chicago" };

  it("is still today when the word of paying is the present's own", () => {
    for (const text of [
      "I'll pay it right now, I'm logging in",
      "I can pay right now, I'm going to send it",
      "I'll pay right now im trying",
      "voy a pagar ahorita estoy entrando a la app",
      "te pago ahorita estoy sin trabajo",
    ]) {
      expect(classifyReply(text, march)).toMatchObject({
        intent: "PROMISE",
        promiseDate: "2027-03-10",
      });
    }
  });

  it("names the moment when the word of paying goes with another day", () => {
    expect(
      classifyReply("en la mañana lo pago ahorita estoy acostando a los nenes", {
        now: new Date("2027-05-19T21:45:00Z"),
        timeZone: "America/Puerto_Rico",
      }),
    ).toMatchObject({ intent: "PROMISE", promiseDate: "2027-05-20" });
  });
});

// The date rules of rounds 25 and 26 each have corpus lines, but the corpus test only holds the
// share of right dates to its target; these fail on the first wrong day.
describe("dates read in rounds 25 and 26", () => {
  const march = { now: new Date("2027-03-10T18:00:00Z"), timeZone: "America/Chicago" };

  it("reads 'Friday week' as the coming Friday and seven days, only in one clause", () => {
    expect(classifyReply("I'll pay Friday week", march).promiseDate).toBe("2027-03-19");
    expect(classifyReply("I'll pay Friday, week has been rough", march).promiseDate).toBe(
      "2027-03-12",
    );
    // Round 27: one weekday rule; a blocker only counts in the weekday's clause, and every
    // suffix stays in it ("last week" after a comma is no suffix of "Friday").
    expect(classifyReply("can I pay monday week? got a lot going on", march).promiseDate).toBe(
      "2027-03-22",
    );
    expect(classifyReply("I'll pay Friday week has been rough", march).promiseDate).toBe(
      "2027-03-12",
    );
    expect(classifyReply("I'll pay Friday, last week was rough", march).promiseDate).toBe(
      "2027-03-12",
    );
  });

  it("lets 'hasta el jueves' and 'ya es fin de semana' give way to the day paid", () => {
    expect(
      classifyReply("el viernes le pago, hasta el jueves trabajo doble", march).promiseDate,
    ).toBe("2027-03-12");
    expect(classifyReply("hasta el jueves le pago", march).promiseDate).toBe("2027-03-11");
    expect(classifyReply("el lunes le pago, ya es fin de semana", march).promiseDate).toBe(
      "2027-03-15",
    );
  });

  it("reads today from 'hoy es <weekday>' and from 'now' only as the paying verb's", () => {
    expect(classifyReply("hoy es miercoles le pago", march).promiseDate).toBe("2027-03-10");
    expect(classifyReply("paying it now", march).promiseDate).toBe("2027-03-10");
    expect(classifyReply("I will pay, I just don't have it now", march)).toMatchObject({
      intent: "PROMISE",
      promiseDate: null,
    });
  });

  it("keeps a calendar date named after the holidays, and reads 'a principios del otro mes'", () => {
    expect(
      classifyReply("el 3 de enero le pago, después de las fiestas", {
        now: new Date("2026-12-20T23:45:00Z"),
        timeZone: "America/New_York",
      }).promiseDate,
    ).toBe("2027-01-03");
    expect(classifyReply("a principios del otro mes le pago", march).promiseDate).toBe(
      "2027-04-01",
    );
  });
});

describe("dates read in round 27", () => {
  const at = (now: string) => ({ now: new Date(now), timeZone: "America/Chicago" });

  it("reads a holiday's long weekend: after it the Tuesday, before it the Friday", () => {
    expect(
      classifyReply("I'll pay after Memorial Day weekend", at("2027-05-20T18:00:00Z")).promiseDate,
    ).toBe("2027-06-01");
    expect(
      classifyReply("I'll pay before labor day weekend", at("2027-08-20T15:00:00Z")).promiseDate,
    ).toBe("2027-09-03");
    expect(
      classifyReply("paying after thanksgiving weekend", at("2027-11-10T15:00:00Z")).promiseDate,
    ).toBe("2027-11-29");
  });

  it("reads a lunch break as today until it is over, and 'before the week is out'", () => {
    expect(
      classifyReply("I'll pay it on my lunch break", at("2027-10-08T14:00:00Z")).promiseDate,
    ).toBe("2027-10-08");
    expect(
      classifyReply("I'll pay it on my lunch break", at("2027-10-09T01:00:00Z")).promiseDate,
    ).toBe("2027-10-09");
    expect(
      classifyReply("I'll get that paid before the week is out", at("2027-08-10T15:00:00Z"))
        .promiseDate,
    ).toBe("2027-08-13");
    expect(
      classifyReply("ill take care of it this wknd", at("2027-07-06T00:55:00Z")).promiseDate,
    ).toBe("2027-07-10");
  });
});
