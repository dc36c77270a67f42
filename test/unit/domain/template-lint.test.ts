import { describe, expect, it } from "vitest";
import { placeholdersIn, type TemplateFile } from "../../../src/domain/template-file.js";
import {
  findPublicShorteners,
  type LintRule,
  lintErrors,
  lintTemplate,
  WORST_CASE_FACTS,
  worstCaseRenderings,
} from "../../../src/domain/template-lint.js";

const KINDS: Record<string, string> = {
  reminder: "reminder",
  reply: "reply",
  staff: "staff",
};

/** A template as an admin might write it; variables are declared from the body unless given. */
function template(
  id: string,
  language: string,
  body: string,
  meta: Record<string, string> = {},
): TemplateFile {
  const compliance = [
    "reply.help",
    "reply.stop_confirm",
    "reply.start_confirm",
    "reply.wrong_number_confirm",
  ];
  return {
    id,
    language,
    body,
    meta: {
      id,
      channel: "sms",
      language,
      kind: compliance.includes(id) ? "compliance" : (KINDS[id.split(".")[0] ?? ""] ?? "reply"),
      maxSegments: id.startsWith("reminder.") ? "3" : "2",
      variables: placeholdersIn(body).join(", "),
      ...meta,
    },
  };
}

/** The distinct rules a template breaks, in the order found. */
function rules(file: TemplateFile, samples: string[] = []): LintRule[] {
  return [...new Set(lintErrors(file, samples).map((problem) => problem.rule))];
}

const REMINDER_EN =
  "{{businessName}}: your balance of {{amount}} for {{invoiceList}} was due {{dueDate}}. " +
  "Pay here: {{payLink}} Reply HELP for help, STOP to opt out.";
const REMINDER_ES =
  "{{businessName}}: su saldo de {{amount}} de {{invoiceList}} venció el {{dueDate}}. " +
  "Pague aquí: {{payLink}} Responda AYUDA para ayuda, STOP para no recibir más.";
const STOP_EN =
  "{{businessName}}: you're unsubscribed and will get no more texts from us. Reply START to resubscribe.";

describe("lintTemplate: a clean template", () => {
  it("passes a reminder in each language and a plain STOP confirmation", () => {
    expect(lintErrors(template("reminder.overdue", "en", REMINDER_EN))).toEqual([]);
    expect(lintErrors(template("reminder.overdue", "es", REMINDER_ES))).toEqual([]);
    expect(lintErrors(template("reply.stop_confirm", "en", STOP_EN))).toEqual([]);
  });

  it("notes Spanish á í ó ú with the segments the accent policy saves, without blocking", () => {
    const problems = lintTemplate(template("reminder.overdue", "es", REMINDER_ES));
    const accents = problems.find((problem) => problem.rule === "accents");
    expect(accents?.severity).toBe("warning");
    expect(accents?.message).toMatch(/ó í á .*at worst 2 segments instead of \d in UCS-2/);
  });
});

describe("lintTemplate: reminders", () => {
  it("rejects a reminder without STOP wording", () => {
    const body = REMINDER_EN.replace(", STOP to opt out", "");
    expect(rules(template("reminder.overdue", "en", body))).toEqual(["stop-wording"]);
  });

  it("rejects a reminder without HELP wording", () => {
    const body = REMINDER_EN.replace("Reply HELP for help, STOP", "Reply STOP");
    expect(rules(template("reminder.overdue", "en", body))).toEqual(["help-wording"]);
  });

  it("wants the wording in the message's language", () => {
    const body = REMINDER_ES.replace(
      "Responda AYUDA para ayuda, STOP para no recibir más.",
      "Reply HELP for help, STOP to opt out.",
    );
    expect(rules(template("reminder.overdue", "es", body))).toEqual([
      "help-wording",
      "stop-wording",
    ]);
  });

  it("rejects a reminder that does not start with the business name", () => {
    const body = `Hello! ${REMINDER_EN}`;
    expect(rules(template("reminder.overdue", "en", body))).toEqual(["business-name-first"]);
  });

  it("rejects a reminder budgeted over 3 segments or filed under another kind", () => {
    expect(rules(template("reminder.overdue", "en", REMINDER_EN, { maxSegments: "4" }))).toEqual([
      "front-matter",
    ]);
    expect(rules(template("reminder.overdue", "en", REMINDER_EN, { kind: "reply" }))).toEqual([
      "front-matter",
    ]);
  });
});

describe("lintTemplate: opt-out confirmations carry nothing but the confirmation", () => {
  it("rejects a STOP confirmation with a link placeholder or a written link", () => {
    expect(rules(template("reply.stop_confirm", "en", `${STOP_EN} Pay: {{payLink}}`))).toContain(
      "confirmation-content",
    );
    expect(
      rules(template("reply.stop_confirm", "en", `${STOP_EN} Details: www.acmeplumbing.com/terms`)),
    ).toEqual(["confirmation-content"]);
  });

  it("rejects a STOP confirmation with an amount, written or as a placeholder", () => {
    expect(rules(template("reply.stop_confirm", "en", `${STOP_EN} Balance: {{amount}}`))).toContain(
      "confirmation-content",
    );
    expect(rules(template("reply.stop_confirm", "en", `${STOP_EN} You still owe $125.00`))).toEqual(
      ["confirmation-content"],
    );
    expect(
      rules(template("reply.stop_confirm", "es", "{{businessName}}: baja confirmada. 125 dólares")),
    ).toEqual(["confirmation-content"]);
  });

  it("rejects an offer in a STOP or wrong-number confirmation", () => {
    expect(
      rules(template("reply.stop_confirm", "en", `${STOP_EN} Get 10% off with a discount!`)),
    ).toEqual(["confirmation-content"]);
    expect(
      rules(
        template(
          "reply.wrong_number_confirm",
          "es",
          "{{businessName}}: disculpe. Si quiere, responda PLAN DE PAGOS.",
        ),
      ),
    ).toEqual(["confirmation-content"]);
  });

  it("allows a support contact in the confirmation", () => {
    expect(rules(template("reply.stop_confirm", "en", `${STOP_EN} Help: {{contact}}`))).toEqual([]);
  });
});

describe("lintTemplate: links", () => {
  it("rejects a bit.ly link in the template or in a rendered sample", () => {
    expect(rules(template("reply.copy_link", "en", "{{businessName}}: bit.ly/3xYzAbc"))).toEqual([
      "url-shortener",
    ]);
    expect(
      rules(template("reply.copy_link", "en", "{{businessName}}: {{copyLink}}"), [
        "Acme: https://bit.ly/3xYzAbc",
      ]),
    ).toEqual(["url-shortener"]);
    expect(findPublicShorteners("see https://tinyurl.com/abc or www.bit.ly/x")).toEqual([
      "https://tinyurl.com/abc",
      "www.bit.ly/x",
    ]);
    expect(findPublicShorteners("write to help@bit.ly.example or https://pay.acme.com")).toEqual(
      [],
    );
  });

  it("rejects plain http and raw IP links", () => {
    expect(
      rules(template("reply.copy_link", "en", "{{businessName}}: http://acmeplumbing.com/c")),
    ).toEqual(["link-safety"]);
    expect(
      rules(template("reply.copy_link", "en", "{{businessName}}: https://203.0.113.9/c")),
    ).toEqual(["link-safety"]);
  });
});

describe("lintTemplate: placeholders", () => {
  it("rejects an undeclared variable", () => {
    const file = template("reminder.overdue", "en", REMINDER_EN, {
      variables: "businessName, amount, invoiceList, dueDate",
    });
    expect(rules(file)).toEqual(["undeclared-variable"]);
  });

  it("rejects a declared variable the body does not use", () => {
    const file = template("reply.paid_ack", "en", "{{businessName}}: thank you!", {
      variables: "businessName, amount",
    });
    expect(rules(file)).toEqual(["unused-variable"]);
  });

  it("rejects a variable the sender cannot fill, and a malformed placeholder", () => {
    expect(rules(template("reply.paid_ack", "en", "{{businessName}}: hi {{firstName}}"))).toEqual([
      "unknown-variable",
    ]);
    expect(rules(template("reply.paid_ack", "en", "{{businessName}}: hi {{ amount"))).toEqual([
      "placeholder-syntax",
    ]);
  });
});

describe("lintTemplate: opt-out wording (REQ-23)", () => {
  it("rejects numeric opt-out substitutes", () => {
    const body = REMINDER_EN.replace("STOP to opt out", "STOP or 2 to opt out");
    expect(rules(template("reminder.overdue", "en", body))).toEqual(["numeric-opt-out"]);
    expect(
      rules(template("reply.menu", "en", "{{businessName}}: Reply 9 to unsubscribe.")),
    ).toEqual(["numeric-opt-out"]);
    expect(rules(template("reply.menu", "es", "{{businessName}}: envíe 9 para cancelar."))).toEqual(
      ["numeric-opt-out"],
    );
  });

  it("allows numbered choices that are not an opt-out", () => {
    expect(
      rules(
        template(
          "reply.language_choice",
          "en",
          "{{businessName}}: Reply 1 for English, 2 para español.",
        ),
      ),
    ).toEqual([]);
    expect(
      rules(
        template(
          "reply.plan_offer",
          "en",
          "{{businessName}}: How many payments? Reply {{planOptions}}.",
        ),
      ),
    ).toEqual([]);
  });

  it("rejects wording that makes STOP the only way out", () => {
    const body = REMINDER_EN.replace("STOP to opt out", "STOP is the only way to opt out");
    expect(rules(template("reminder.overdue", "en", body))).toEqual(["exclusive-opt-out"]);
  });
});

describe("lintTemplate: segment budget", () => {
  it("rejects a body whose worst case is over its budget", () => {
    const body =
      "{{businessName}}: we noted your promise to pay {{amount}} for {{invoiceList}} on " +
      "{{promiseDate}}; pay any time at {{payLink}}";
    const problems = lintErrors(
      template("reply.promise_confirm", "en", body, { maxSegments: "1" }),
    );
    expect(problems.map((problem) => problem.rule)).toEqual(["segment-budget"]);
    expect(problems[0]?.message).toMatch(
      /the worst case takes 2 GSM-7 segments, over maxSegments 1/,
    );
    expect(lintErrors(template("reply.promise_confirm", "en", body, { maxSegments: "2" }))).toEqual(
      [],
    );
  });

  it("counts emoji as UCS-2 and says so", () => {
    const file = template("reply.paid_ack", "en", "{{businessName}}: thank you! 🙏", {
      maxSegments: "1",
    });
    const problems = lintTemplate(file);
    expect(problems.map((problem) => problem.rule)).toEqual(["non-gsm"]);
    expect(problems[0]?.severity).toBe("warning");
  });

  it("rejects a rendered sample over 10 segments or 1,600 characters", () => {
    const file = template("staff.message", "en", "{{businessName}}: {{staffText}}", {
      maxSegments: "10",
    });
    expect(rules(file)).toEqual([]);
    const problems = lintErrors(file, [`Acme: ${"x".repeat(1600)}`]);
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/a sample takes 11 GSM-7 segments, over maxSegments 10/),
      "a sample is over 10 segments or 1,600 characters (REQ-43)",
    ]);
  });

  it("renders the worst case the brief describes", () => {
    for (const facts of WORST_CASE_FACTS) {
      expect(facts.businessName).toHaveLength(30);
      expect(facts.payLink).toHaveLength(60);
      expect(facts.copyLink).toHaveLength(60);
    }
    expect(Math.max(...WORST_CASE_FACTS.map((facts) => facts.invoices.length))).toBeGreaterThan(3);
    const file = template("reminder.overdue", "en", REMINDER_EN);
    const rendered = worstCaseRenderings(file);
    expect(rendered).toContain(
      "Riverside Plumbing and Heating: your balance of $999,999.96 for invoices 100001, 100002 " +
        `and 10 more was due Sep 30. Pay here: https://pay.riversideplumbing.com/p/${"x".repeat(24)} ` +
        "Reply HELP for help, STOP to opt out.",
    );
  });
});

describe("lintTemplate: HELP and START answers (compliance §3.4)", () => {
  const HELP_EN =
    "{{businessName}} payment reminders. Billing help: {{contact}}. Msg frequency varies. " +
    "Msg & data rates may apply. Reply STOP to opt out.";

  it("passes a complete HELP answer", () => {
    expect(rules(template("reply.help", "en", HELP_EN))).toEqual([]);
  });

  it("rejects a HELP answer without fees, frequency, contact or STOP", () => {
    expect(
      rules(template("reply.help", "en", HELP_EN.replace(" Msg & data rates may apply.", ""))),
    ).toEqual(["compliance-content"]);
    expect(
      rules(template("reply.help", "en", HELP_EN.replace(" Msg frequency varies.", ""))),
    ).toEqual(["compliance-content"]);
    expect(
      rules(template("reply.help", "en", HELP_EN.replace(" Billing help: {{contact}}.", ""))),
    ).toEqual(["compliance-content"]);
    expect(
      rules(template("reply.help", "en", HELP_EN.replace(" Reply STOP to opt out.", ""))),
    ).toEqual(["stop-wording"]);
  });

  it("wants HELP named in the START confirmation", () => {
    const start =
      "{{businessName}}: you're subscribed again. Msg frequency varies. Msg & data rates may apply. Reply STOP to opt out.";
    expect(rules(template("reply.start_confirm", "en", start))).toEqual(["help-wording"]);
  });
});
