import { describe, expect, it } from "vitest";
import { FileTemplates, loadTemplateFiles } from "../../../src/adapters/file-templates.js";
import { addDays } from "../../../src/domain/calendar.js";
import { type LadderStep, parseCompanySettings } from "../../../src/domain/company-settings.js";
import {
  type LadderInvoice,
  planReminder,
  reminderTemplateFor,
} from "../../../src/domain/ladder.js";
import { messageVars } from "../../../src/domain/message-format.js";
import {
  LANGUAGES,
  type Language,
  REMINDER_TEMPLATES,
  type ReminderTemplate,
} from "../../../src/domain/template-ids.js";

// A rung is often reached after its day (a due date on a Sunday or a holiday, a first sync
// after the date): the text must read true on the day it is planned. Found in the sandbox:
// invoices due 2026-11-19 texted on 11-20 as "is due today" / "vence hoy".

const templates = new FileTemplates(loadTemplateFiles());
const settings = parseCompanySettings({});
const DUE = "2026-11-19";

function invoice(overrides: Partial<LadderInvoice> = {}): LadderInvoice {
  return {
    id: "a",
    dueDate: DUE,
    balanceMinor: 74_921,
    lastReminderDay: null,
    needsApproval: "no",
    ...overrides,
  };
}

/** What the ladder sends `age` days after the due date, rendered as the dispatcher would. */
function textOn(
  age: number,
  language: Language,
  options: { steps?: LadderStep[]; lastReminderDay?: number | null } = {},
): { template: ReminderTemplate; body: string } | null {
  const plan = planReminder({
    invoices: [invoice({ lastReminderDay: options.lastReminderDay ?? null })],
    segment: "default",
    settings: options.steps
      ? { ...settings, ladders: { ...settings.ladders, default: options.steps } }
      : settings,
    today: addDays(DUE, age),
    repeatedLate: false,
  });
  if (!plan.text) {
    return null;
  }
  const vars = messageVars(
    {
      businessName: "Acme Plumbing",
      contactPhone: "+15125550100",
      contactEmail: null,
      invoices: [{ number: "1027", balanceMinor: 74_921, currency: "USD", dueDate: DUE }],
      payLink: "https://pay.acmeplumbing.com/p/Xk3v9QmT2pLr8sWz",
      copyLink: null,
      machineVars: { invoiceIds: "a" },
    },
    language,
  );
  return {
    template: plan.text.template,
    body: templates.render(plan.text.template, language, vars).body,
  };
}

// Sent bodies are normalised for GSM-7 (á í ó ú lose their accent): match both spellings.
const SAYS_TODAY: Record<Language, RegExp> = { en: /\btoday\b/i, es: /(?<!\p{L})hoy(?!\p{L})/iu };
const SAYS_PAST: Record<Language, RegExp> = {
  en: /\bwas due\b|\bpast due\b|\boverdue\b/i,
  es: /\bvenci[oó]\b|\bvencid[oa]\b/i,
};
const RELATIVE: Record<Language, RegExp> = {
  en: /\b(?:today|tomorrow|yesterday|tonight|in \d+ days?|\d+ days?|three days|this week|next week)\b/i,
  es: /(?<!\p{L})(?:hoy|ma[nñ]ana|ayer|esta noche|en \d+ d[ií]as?|\d+ d[ií]as?|tres d[ií]as|esta semana|la pr[oó]xima semana)(?!\p{L})/iu,
};
const DATE_NAMED: Record<Language, string> = { en: "Nov 19", es: "19 de noviembre" };

describe.each(LANGUAGES)("the ladder's wording on the day it is planned (%s)", (language) => {
  it("the due-date rung planned on the due date says today", () => {
    const text = textOn(0, language);
    expect(text?.template).toBe("reminder.due_today");
    expect(text?.body).toMatch(SAYS_TODAY[language]);
    expect(text?.body).not.toMatch(SAYS_PAST[language]);
  });

  it.each([1, 2])(
    "the due-date rung planned %i day(s) after says past due, with the date",
    (age) => {
      const text = textOn(age, language, { lastReminderDay: -3 });
      expect(text?.template).toBe("reminder.overdue");
      expect(text?.body).toMatch(SAYS_PAST[language]);
      expect(text?.body).toContain(DATE_NAMED[language]);
      expect(text?.body).not.toMatch(RELATIVE[language]);
    },
  );

  it("a first sync the day after the due date: past due, never 'due today'", () => {
    const text = textOn(1, language);
    expect(text?.template).toBe("reminder.overdue");
    expect(text?.body).not.toMatch(SAYS_TODAY[language]);
    expect(text?.body).toContain(DATE_NAMED[language]);
  });

  it.each([-3, -2, -1])(
    "the friendly rung planned %i day(s) before due names the date and no count of days",
    (age) => {
      const text = textOn(age, language);
      expect(text?.template).toBe("reminder.before_due");
      expect(text?.body).toContain(DATE_NAMED[language]);
      expect(text?.body).not.toMatch(RELATIVE[language]);
      expect(text?.body).not.toMatch(SAYS_PAST[language]);
    },
  );

  it("every day of the default ladder reads true: 'today' only on the due date, 'was due' only after", () => {
    for (let age = -5; age <= 25; age++) {
      for (const last of [null, -3, 0, 3, 7]) {
        const text = textOn(age, language, { lastReminderDay: last });
        if (!text) {
          continue;
        }
        const label = `day ${age} after ${last}: ${text.body}`;
        expect(SAYS_TODAY[language].test(text.body), label).toBe(age === 0);
        if (age <= 0) {
          expect(text.body, label).not.toMatch(SAYS_PAST[language]);
        }
        expect(text.body, label).toContain(DATE_NAMED[language]);
      }
    }
  });

  it("a custom ladder reads true too, whatever rung an admin put on whatever day", () => {
    for (const template of REMINDER_TEMPLATES) {
      for (const day of [-5, -1, 0, 1, 4]) {
        const steps: LadderStep[] = [{ day, action: "text", template }];
        for (let age = day; age <= day + 3; age++) {
          const text = textOn(age, language, { steps });
          const label = `${template} at day ${day}, planned day ${age}: ${text?.body}`;
          expect(text, label).not.toBeNull();
          if (age !== 0) {
            expect(text?.body, label).not.toMatch(SAYS_TODAY[language]);
          }
          if (age <= 0) {
            expect(text?.body, label).not.toMatch(SAYS_PAST[language]);
          }
        }
      }
    }
  });
});

describe("reminderTemplateFor", () => {
  it.each([
    ["reminder.before_due", -3, "reminder.before_due"],
    ["reminder.before_due", 0, "reminder.before_due"],
    ["reminder.before_due", 1, "reminder.overdue"],
    ["reminder.due_today", -1, "reminder.before_due"],
    ["reminder.due_today", 0, "reminder.due_today"],
    ["reminder.due_today", 1, "reminder.overdue"],
    ["reminder.due_today", 6, "reminder.overdue"],
    ["reminder.overdue", -1, "reminder.before_due"],
    ["reminder.overdue", 0, "reminder.due_today"],
    ["reminder.overdue", 1, "reminder.overdue"],
    ["reminder.overdue_plan_offer", 0, "reminder.due_today"],
    ["reminder.overdue_plan_offer", 9, "reminder.overdue_plan_offer"],
    ["reminder.final", -2, "reminder.final"],
    ["reminder.final", 0, "reminder.final"],
    ["reminder.final", 16, "reminder.final"],
  ] as const)("%s sent %i days after due reads as %s", (template, age, expected) => {
    expect(reminderTemplateFor(template, age)).toBe(expected);
  });

  it("keeps the rung's day as its mark: a late due-date rung is not replayed at day 3", () => {
    const late = planReminder({
      invoices: [invoice({ lastReminderDay: -3 })],
      segment: "default",
      settings,
      today: addDays(DUE, 1),
      repeatedLate: false,
    });
    expect(late.text?.template).toBe("reminder.overdue");
    expect(late.marks).toEqual({ a: 0 });
    expect(late.nextDate).toBe(addDays(DUE, 3));
  });
});
