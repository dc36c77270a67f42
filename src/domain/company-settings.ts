import { z } from "zod";
import { REMINDER_TEMPLATES } from "./template-ids.js";

// A company's sending policy, stored as JSON on the company row and always read through this
// schema: missing keys take the defaults below, so an empty `{}` is a complete, sensible setup
// (automatic sending, the default ladder, 08:00–21:00, US federal holidays, no approval limit).

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time as HH:MM (24-hour)");

/**
 * One rung of a ladder. `day` counts calendar days from the due date in the customer's time
 * zone (negative = before due). `text` sends `template`; `staff` hands the thread to a person;
 * `staff_if_repeated` hands it over only when the customer's previous invoice also reached
 * this rung (the recurring segment's "two months in a row").
 */
export const ladderStepSchema = z.discriminatedUnion("action", [
  z.object({
    day: z.number().int().min(-60).max(365),
    action: z.literal("text"),
    template: z.enum(REMINDER_TEMPLATES),
  }),
  z.object({ day: z.number().int().min(-60).max(365), action: z.literal("staff") }),
  z.object({ day: z.number().int().min(-60).max(365), action: z.literal("staff_if_repeated") }),
]);
export type LadderStep = z.infer<typeof ladderStepSchema>;

const ladderSchema = z
  .array(ladderStepSchema)
  .max(20)
  .refine(
    (steps) => new Set(steps.map((step) => step.day)).size === steps.length,
    "each ladder day may appear once",
  )
  .transform((steps) => [...steps].sort((a, b) => a.day - b.day));

export const SEGMENTS = ["default", "recurring", "net60", "excluded"] as const;
export type Segment = (typeof SEGMENTS)[number];

export const DEFAULT_LADDERS: Record<Segment, LadderStep[]> = {
  default: [
    { day: -3, action: "text", template: "reminder.before_due" },
    { day: 0, action: "text", template: "reminder.due_today" },
    { day: 3, action: "text", template: "reminder.overdue" },
    { day: 7, action: "text", template: "reminder.overdue_plan_offer" },
    { day: 14, action: "text", template: "reminder.final" },
    { day: 21, action: "staff" },
  ],
  recurring: [
    { day: 7, action: "text", template: "reminder.overdue" },
    { day: 14, action: "staff_if_repeated" },
  ],
  net60: [{ day: 21, action: "staff" }],
  excluded: [],
};

export const companySettingsSchema = z.object({
  /** `review`: each planned batch waits for staff approval before anything is sent. */
  sendingMode: z.enum(["automatic", "review"]).default("automatic"),
  /** Invoices with a balance above this (minor units) wait for staff approval before their first text. */
  approvalThresholdMinor: z.number().int().positive().nullable().default(null),
  ladders: z
    .object({
      default: ladderSchema.default(DEFAULT_LADDERS.default),
      recurring: ladderSchema.default(DEFAULT_LADDERS.recurring),
      net60: ladderSchema.default(DEFAULT_LADDERS.net60),
      excluded: ladderSchema.default(DEFAULT_LADDERS.excluded),
    })
    .default(DEFAULT_LADDERS),
  /**
   * The company's own sending window in the customer's local time. It can only narrow the
   * legal 08:00–21:00 window, never widen it.
   */
  sendWindow: z
    .object({ start: hhmm.default("08:00"), end: hhmm.default("21:00") })
    .refine((window) => window.start < window.end, "the window must start before it ends")
    .default({ start: "08:00", end: "21:00" }),
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which reminders may go out. */
  sendDays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5, 6]),
  /** Holiday calendar from `date-holidays`; `null` sends on holidays too. */
  holidays: z
    .object({
      country: z.string().length(2).default("US"),
      state: z.string().min(1).nullable().default(null),
      /** date-holidays types that block sending. */
      types: z
        .array(z.enum(["public", "bank", "school", "optional", "observance"]))
        .default(["public"]),
    })
    .nullable()
    .default({ country: "US", state: null, types: ["public"] }),
  caps: z
    .object({
      perDay: z.number().int().min(1).max(3).default(1),
      per7Days: z.number().int().min(1).max(7).default(3),
      /** 940 CMR 7.04(1)(f): two initiated texts per 7 days to Massachusetts debtors. */
      per7DaysMassachusetts: z.number().int().min(1).max(2).default(2),
    })
    .default({ perDay: 1, per7Days: 3, per7DaysMassachusetts: 2 }),
  /** How customers reach billing: named in HELP replies and final notices. */
  contact: z
    .object({
      phone: z.string().nullable().default(null),
      email: z.string().nullable().default(null),
    })
    .default({ phone: null, email: null }),
  payLinkValidityDays: z.number().int().min(1).max(90).default(45),
});

export type CompanySettings = z.infer<typeof companySettingsSchema>;
export type CompanySettingsInput = z.input<typeof companySettingsSchema>;

/** Reads stored settings; anything missing takes its default. Throws a ZodError on bad values. */
export function parseCompanySettings(stored: unknown): CompanySettings {
  return companySettingsSchema.parse(stored ?? {});
}

export const DEFAULT_COMPANY_SETTINGS: CompanySettings = parseCompanySettings({});
