import { describe, expect, it } from "vitest";
import { LANGUAGES, type Language, TEMPLATE_IDS } from "../../machines/thread.templates.js";
import { FileTemplates, loadTemplateFiles } from "../../src/adapters/file-templates.js";
import { redactCardNumbers } from "../../src/domain/card-numbers.js";
import { AppError } from "../../src/domain/errors.js";
import { type MessageFacts, messageVars } from "../../src/domain/message-format.js";
import { normalizeForSms } from "../../src/domain/sms-encoding.js";
import {
  declaredMaxSegments,
  placeholdersIn,
  type TemplateFile,
} from "../../src/domain/template-file.js";
import { lintErrors, lintTemplate, WORST_CASE_FACTS } from "../../src/domain/template-lint.js";
import { classifyReply } from "../../src/understanding/index.js";

const files = loadTemplateFiles();
const templates = new FileTemplates(files);
const ALL = TEMPLATE_IDS.flatMap((id) => LANGUAGES.map((language) => [id, language] as const));

function fileOf(id: string, language: string): TemplateFile {
  const file = files.find((candidate) => candidate.id === id && candidate.language === language);
  if (!file) {
    throw new Error(`no ${id}.${language}`);
  }
  return file;
}

/**
 * The raw vars machines/thread.machine.ts puts on each sendSms effect (the ladder's reminders
 * carry only invoice ids; the dispatcher adds the invoices, links and contact as facts).
 */
const MACHINE_VARS: Record<string, Record<string, string>> = {
  "reminder.promise_missed": { balanceMinor: "30000", currency: "USD", invoiceIds: "iv_1" },
  "reminder.installment": {
    installment: "2",
    amountMinor: "10000",
    currency: "USD",
    dueDate: "2026-12-17",
  },
  "reply.plan_offer": {
    balanceMinor: "30000",
    currency: "USD",
    invoiceIds: "iv_1",
    options: "2,3,4",
  },
  "reply.plan_confirm": {
    installments: "3",
    firstAmountMinor: "10000",
    currency: "USD",
    nextDate: "2026-12-17",
  },
  "reply.promise_confirm": {
    balanceMinor: "30000",
    currency: "USD",
    invoiceIds: "iv_1",
    promiseDate: "2026-11-27",
  },
  "reply.copy_link": { balanceMinor: "30000", currency: "USD", invoiceIds: "iv_1" },
  "reply.payment_failed": { balanceMinor: "30000", currency: "USD", invoiceIds: "iv_1" },
  "reply.payment_partial_thanks": { balanceMinor: "15000", currency: "USD", invoiceIds: "iv_1" },
  "staff.message": { text: "Hi, this is Ana from billing.", staffUser: "ana" },
};

function typicalFacts(template: string): MessageFacts {
  return {
    businessName: "Acme Plumbing",
    contactPhone: "+15125550100",
    contactEmail: "billing@acmeplumbing.com",
    invoices: [{ number: "1042", balanceMinor: 30_000, currency: "USD", dueDate: "2026-11-10" }],
    payLink: "https://pay.acmeplumbing.com/p/Xk3v9QmT2pLr8sWz",
    copyLink: "https://pay.acmeplumbing.com/c/Xk3v9QmT2pLr8sWz",
    machineVars: MACHINE_VARS[template] ?? { invoiceIds: "iv_1" },
  };
}

function renderTypical(id: string, language: Language) {
  return templates.render(id, language, messageVars(typicalFacts(id), language));
}

describe("prompts/", () => {
  it.each(ALL)("has %s in %s", (id, language) => {
    expect(files.find((file) => file.id === id && file.language === language)).toBeDefined();
  });

  it("has no template the machine cannot name", () => {
    const known = new Set<string>(TEMPLATE_IDS);
    expect(files.filter((file) => !known.has(file.id)).map((file) => file.id)).toEqual([]);
  });

  it("declares exactly the variables each template uses, and starts with the business name", () => {
    for (const file of files) {
      const declared = (file.meta.variables ?? "").split(",").map((name) => name.trim());
      expect(declared.sort(), `${file.id}.${file.language}`).toEqual(
        placeholdersIn(file.body).sort(),
      );
      expect(file.body.startsWith("{{businessName}}"), `${file.id}.${file.language}`).toBe(true);
    }
  });

  it.each(ALL)("%s (%s) is lint clean", (id, language) => {
    expect(lintErrors(fileOf(id, language))).toEqual([]);
  });

  it("uses the same variables and budget in both languages", () => {
    for (const id of TEMPLATE_IDS) {
      const [en, es] = [fileOf(id, "en"), fileOf(id, "es")];
      expect(placeholdersIn(es.body).sort(), id).toEqual(placeholdersIn(en.body).sort());
      expect(declaredMaxSegments(es), id).toBe(declaredMaxSegments(en));
    }
  });
});

describe("rendering every template", () => {
  it.each(ALL)("%s (%s) renders within budget for every worst case", (id, language) => {
    const maxSegments = declaredMaxSegments(fileOf(id, language)) ?? 0;
    for (const facts of WORST_CASE_FACTS) {
      const rendered = templates.render(id, language, messageVars(facts, language));
      expect(rendered.segments).toBeLessThanOrEqual(maxSegments);
      expect(rendered.body).not.toMatch(/undefined|null|NaN|\{\{|\}\}/);
    }
  });

  it.each(ALL)(
    "%s (%s) renders from what the machine and the dispatcher provide",
    (id, language) => {
      const rendered = renderTypical(id, language);
      expect(rendered.body).toMatch(/^Acme Plumbing/);
      expect(rendered.encoding).toBe("GSM-7");
      if (id.startsWith("reminder.")) {
        // REQ-43 allows 3; in practice a reminder costs 2.
        expect(rendered.segments, rendered.body).toBeLessThanOrEqual(2);
      }
    },
  );

  it("names the business, invoice, amount, due date and link in a reminder, in each language", () => {
    expect(renderTypical("reminder.overdue", "en").body).toBe(
      "Acme Plumbing: a friendly note that your balance of $300.00 for invoice 1042 was due " +
        "Nov 10. You can pay here: https://pay.acmeplumbing.com/p/Xk3v9QmT2pLr8sWz Already " +
        "paid? Reply PAID. Reply HELP for help, STOP to opt out.",
    );
    expect(renderTypical("reminder.overdue", "es")).toEqual({
      body:
        "Acme Plumbing: le recordamos amablemente que su saldo de $300.00 de la factura 1042 " +
        "vencio el 10 de noviembre. Puede pagar aqui: https://pay.acmeplumbing.com/p/" +
        "Xk3v9QmT2pLr8sWz ¿Ya pago? Responda YA PAGUÉ. Responda AYUDA para ayuda, STOP para " +
        "no recibir mas.",
      encoding: "GSM-7",
      segments: 2,
    });
  });

  it("words reminders with dates, not days counted from now, so a text sent late stays true", () => {
    // A reminder can go out days after its rung (a Sunday, a holiday, a cap, a late first
    // sync): only reminder.due_today says "today", and the ladder sends it on the due date
    // alone (src/domain/ladder.ts reminderTemplateFor); it names the date as well.
    const relative: Record<Language, RegExp> = {
      en: /\b(?:today|tomorrow|yesterday|tonight|this week|next week|in \d+ days?|\d+ days? (?:ago|late|past|overdue|from now))\b/i,
      es: /(?<!\p{L})(?:hoy|mañana|ayer|esta noche|esta semana|la próxima semana|en \d+ días?|hace \d+ días?)(?!\p{L})/iu,
    };
    const reminders = files.filter((file) => file.meta.kind === "reminder");
    expect(reminders.length).toBe(14);
    for (const file of reminders) {
      const found = file.body.match(relative[file.language as Language])?.[0] ?? null;
      const label = `${file.id}.${file.language}`;
      if (file.id === "reminder.due_today") {
        expect(found?.toLowerCase(), label).toBe(file.language === "en" ? "today" : "hoy");
        expect(file.body, label).toContain("{{dueDate}}");
      } else {
        expect(found, label).toBeNull();
      }
    }
    expect(renderTypical("reminder.due_today", "en").body).toContain("is due today, Nov 10.");
    expect(renderTypical("reminder.due_today", "es").body).toContain("vence hoy, 10 de noviembre.");
  });

  it("keeps links, amounts and offers out of the opt-out confirmations", () => {
    for (const id of ["reply.stop_confirm", "reply.wrong_number_confirm"]) {
      for (const language of LANGUAGES) {
        const { body, segments } = renderTypical(id, language);
        expect(body).not.toMatch(/https?:|\$|\d/);
        expect(segments).toBe(1);
      }
    }
  });

  it("never carries or asks for a card number (REQ-57)", () => {
    const asksForCard = [
      /\b(?:send|text|reply with|give|provide|enter|type)\b[^.!?]{0,30}\bcard\b/iu,
      /(?<!\p{L})(?:env[ií]e|mande|responda con|escriba|denos|proporcione)(?!\p{L})[^.!?]{0,30}tarjeta/iu,
    ];
    for (const [id, language] of ALL) {
      const bodies = [
        renderTypical(id, language).body,
        ...WORST_CASE_FACTS.map(
          (facts) => templates.render(id, language, messageVars(facts, language)).body,
        ),
      ];
      for (const body of bodies) {
        expect(redactCardNumbers(body).redacted, `${id}.${language}`).toBe(false);
        for (const pattern of asksForCard) {
          expect(body, `${id}.${language}`).not.toMatch(pattern);
        }
      }
    }
  });

  it("tells a customer who texted a card number that we never take them and deleted it", () => {
    expect(renderTypical("reply.card_number_warning", "en")).toEqual({
      body:
        "Acme Plumbing: for your safety we never take card numbers by text; we deleted the one " +
        "you sent. Please use our secure pay link.",
      encoding: "GSM-7",
      segments: 1,
    });
    expect(renderTypical("reply.card_number_warning", "es")).toEqual({
      body:
        "Acme Plumbing: por su seguridad nunca aceptamos tarjetas por mensaje; borramos el numero " +
        "que envio. Pague con nuestro enlace seguro.",
      encoding: "GSM-7",
      segments: 1,
    });
  });

  it("tells a paid-up customer that nothing is owed, in one segment", () => {
    expect(renderTypical("reply.nothing_owed", "en").body).toBe(
      "Acme Plumbing: thank you! Nothing is owed on your account right now. Questions? Reply CALL ME.",
    );
    expect(renderTypical("reply.nothing_owed", "es")).toEqual({
      body:
        "Acme Plumbing: ¡gracias! Por ahora su cuenta no tiene saldo pendiente. ¿Preguntas? " +
        "Responda LLAMENME.",
      encoding: "GSM-7",
      segments: 1,
    });
  });

  it("offers a call with the contact in the final notice", () => {
    expect(renderTypical("reminder.final", "en").body).toContain(
      "reply CALL ME or reach us at (512) 555-0100",
    );
    expect(renderTypical("reminder.final", "es").body).toContain(
      "responda LLAMENME o contactenos en (512) 555-0100",
    );
  });
});

describe("reply keywords in templates", () => {
  const EXPECTED: Record<string, string> = {
    HELP: "HELP",
    AYUDA: "HELP",
    STOP: "STOP",
    START: "START",
    PAID: "PAID",
    "YA PAGUÉ": "PAID",
    "PAYMENT PLAN": "PLAN",
    "PLAN DE PAGOS": "PLAN",
    "CALL ME": "HUMAN",
    LLÁMENME: "HUMAN",
  };
  const now = new Date("2026-11-20T15:00:00Z");

  it("tells customers only words the reply classifier understands", () => {
    const seen = new Set<string>();
    for (const file of files) {
      const words = file.body.replace(/\{\{\s*\w+\s*\}\}/g, "");
      for (const [keyword] of words.matchAll(/(?<!\p{L})\p{Lu}{2,}(?:\s+\p{Lu}{2,})*(?!\p{L})/gu)) {
        seen.add(keyword);
        const intent = EXPECTED[keyword];
        expect(intent, `${file.id}.${file.language} advertises ${keyword}`).toBeDefined();
        for (const typed of [keyword, normalizeForSms(keyword), keyword.toLowerCase()]) {
          const language = file.language as Language;
          expect(classifyReply(typed, { now, timeZone: "America/Chicago", language }).intent).toBe(
            intent,
          );
        }
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe("FileTemplates.render", () => {
  function failure(run: () => unknown): AppError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("VALIDATION_FAILED");
      return error as AppError;
    }
    throw new Error("expected VALIDATION_FAILED");
  }

  it("refuses a template whose variable the facts lack, never sending a hole", () => {
    const vars = messageVars({ ...typicalFacts("reminder.overdue"), payLink: null }, "en");
    expect(failure(() => templates.render("reminder.overdue", "en", vars)).message).toMatch(
      /needs variable payLink/,
    );
    expect(() => templates.render("reply.help", "es", { businessName: "Acme" })).toThrow(
      /needs variable contact/,
    );
    failure(() =>
      templates.render("reply.copy_link", "en", {
        businessName: "Acme",
        invoiceList: "invoice 1",
        copyLink: " ",
      }),
    );
    failure(() =>
      templates.render("staff.message", "en", { businessName: "Acme", staffText: "undefined" }),
    );
    expect(() => templates.render("no.such", "en", {})).toThrow(/No template/);
  });

  it("lists a template's placeholders, so the sender issues a pay link only where one shows", () => {
    expect(templates.variables("reminder.overdue", "es")).toEqual([
      "businessName",
      "amount",
      "invoiceList",
      "dueDate",
      "payLink",
    ]);
    expect(templates.variables("reply.stop_confirm", "en")).toEqual(["businessName"]);
    expect(() => templates.variables("no.such", "en")).toThrow(/No template/);
  });

  it("renders the compliance replies from the business name and contact alone", () => {
    const vars = { businessName: "Acme", contact: "(512) 555-0100" };
    for (const id of ["reply.stop_confirm", "reply.wrong_number_confirm", "reply.start_confirm"]) {
      expect(templates.render(id, "en", vars).body).toMatch(/^Acme: /);
    }
    expect(templates.render("reply.help", "es", vars).body).toMatch(/^Acme recordatorios de pago/);
  });

  it("normalises what staff type and counts the text as sent", () => {
    const rendered = templates.render("staff.message", "es", {
      businessName: "Acme",
      staffText: "“Hola” — ya revisé su cuenta…",
    });
    expect(rendered).toEqual({
      body: `Acme: "Hola" - ya revisé su cuenta...`,
      encoding: "GSM-7",
      segments: 1,
    });
    expect(
      templates.render("staff.message", "en", { businessName: "Acme", staffText: "ok 👍" }),
    ).toMatchObject({ encoding: "UCS-2", segments: 1 });
  });

  it("refuses a text over its budget, over 10 segments or 1,600 characters", () => {
    const tight = new FileTemplates([
      {
        id: "reply.menu",
        language: "en",
        meta: { maxSegments: "1", variables: "businessName, staffText" },
        body: "{{businessName}}: {{staffText}}",
      },
    ]);
    expect(
      tight.render("reply.menu", "en", { businessName: "Acme", staffText: "a".repeat(154) }),
    ).toMatchObject({ segments: 1 });
    expect(
      failure(() =>
        tight.render("reply.menu", "en", { businessName: "Acme", staffText: "a".repeat(155) }),
      ).message,
    ).toMatch(/renders to 2 GSM-7 segments \(161 characters\), over its budget of 1/);
    failure(() =>
      templates.render("staff.message", "en", {
        businessName: "Acme",
        staffText: "a".repeat(1595),
      }),
    );
  });

  it("refuses to send a public URL shortener", () => {
    const vars = messageVars(
      { ...typicalFacts("reminder.overdue"), payLink: "https://bit.ly/3xYzAbc" },
      "en",
    );
    expect(failure(() => templates.render("reminder.overdue", "en", vars)).message).toMatch(
      /public URL shortener: https:\/\/bit.ly\/3xYzAbc/,
    );
  });

  it("notes the Spanish accent policy on Spanish templates only as a warning", () => {
    const notes = files.flatMap((file) =>
      lintTemplate(file).filter((problem) => problem.rule === "accents"),
    );
    expect(notes.length).toBeGreaterThan(10);
    expect(new Set(notes.map((note) => note.severity))).toEqual(new Set(["warning"]));
  });
});
