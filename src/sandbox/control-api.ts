import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { AppError } from "../domain/errors.js";
import { parseIsoDuration } from "../domain/iso-duration.js";
import { recipientLocation } from "../domain/recipient-location.js";
import type { QuickBooksEmulator } from "./emulators/quickbooks/quickbooks-emulator.js";
import type { SlackEmulator } from "./emulators/slack/slack-emulator.js";
import type { StripeEmulator } from "./emulators/stripe/stripe-emulator.js";
import type { TwilioEmulator } from "./emulators/twilio/twilio-emulator.js";
import type { SandboxClock } from "./sandbox-clock.js";

// The sandbox control API (DESIGN §2), a stable contract that tests and demos drive. Every
// call that changes state answers only once the app has settled: the webhooks it caused
// have been delivered and processed and the outbox is drained.

export interface ControlApiDeps {
  clock: SandboxClock;
  /** Runs workers and waits for emulators until idle. */
  settle(): Promise<unknown>;
  /**
   * The earliest moment the app has something scheduled (a timer, a deferred text), if any:
   * a clock move stops there on its way, as real time would.
   */
  nextWakeUp?(after: Date): Promise<Date | null>;
  /** Extra sections of `GET /_sandbox/state`. */
  stateSections?: Record<string, () => Promise<unknown> | unknown>;
  emulators?: {
    twilio: TwilioEmulator;
    stripe: StripeEmulator;
    slack: SlackEmulator;
    quickbooks: QuickBooksEmulator;
  };
  /** The business's texting number, the one customers' phones write to. */
  businessNumber?: string;
  /** Empties the app and the emulators, then seeds the demo company when asked. */
  reset?(options: { seed: "demo" | null }): Promise<void>;
}

const clockBody = z.union([
  z.object({ advance: z.string().min(2) }).strict(),
  z.object({ to: z.iso.datetime({ offset: true }) }).strict(),
]);
const phoneParam = z.object({
  e164: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be E.164, like +15125550123"),
});
const textBody = z.object({ body: z.string().min(1).max(1600) });
const paymentBody = z.object({ amount: z.number().positive() });
const payBody = z.object({ outcome: z.enum(["succeeded", "failed"]) });
const actionBody = z.object({
  message_ts: z.string().min(1),
  action_id: z.string().min(1),
  user: z.string().min(1),
});
const replyBody = z.object({ text: z.string().min(1), user: z.string().min(1) });
const resetBody = z.object({ seed: z.enum(["demo"]).optional() }).strict();
const faultBody = z.object({
  fault: z.union([
    z.literal("landline"),
    z.literal("queue"),
    z
      .string()
      .regex(/^[1-9]\d{4}$/, "a five-digit Twilio error code")
      .transform((code) => code as `${number}`),
    z.null(),
  ]),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new AppError("VALIDATION_FAILED", `Invalid ${what}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Emulators throw their provider's own errors; the control API answers them as 4xx. */
function asControlError(error: unknown): never {
  if (error instanceof AppError) {
    throw error;
  }
  const message = error instanceof Error ? error.message : String(error);
  // QuickBooks' business errors say what went wrong in their detail, not their message.
  const detail = (error as { detail?: unknown } | null)?.detail;
  throw new AppError(
    /not found|does not exist|no such/i.test(message) ? "NOT_FOUND" : "VALIDATION_FAILED",
    typeof detail === "string" && detail !== "" ? detail : message,
  );
}

export function controlApiRoutes(deps: ControlApiDeps): FastifyPluginAsync {
  return async (app) => {
    app.get("/_sandbox/state", async () => {
      const state: Record<string, unknown> = { clock: deps.clock.now().toISOString() };
      if (deps.emulators) {
        Object.assign(state, emulatorState(deps.emulators));
      }
      for (const [name, read] of Object.entries(deps.stateSections ?? {})) {
        state[name] = await read();
      }
      return state;
    });

    app.post("/_sandbox/clock", async (request) => {
      const body = parse(
        clockBody,
        request.body,
        'clock body: send { "advance": "P3D" } or { "to": "2026-12-01T15:00:00Z" }',
      );
      let target: Date;
      if ("advance" in body) {
        const ms = parseIsoDuration(body.advance);
        if (ms === null) {
          throw new AppError(
            "VALIDATION_FAILED",
            `"${body.advance}" is not an ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P3D, PT2H)`,
          );
        }
        target = new Date(deps.clock.now().getTime() + ms);
      } else {
        target = new Date(body.to);
        if (target.getTime() < deps.clock.now().getTime()) {
          deps.clock.setTo(target); // refuses with a clear message: the clock never goes back
        }
      }
      await moveClockTo(deps, target);
      return { clock: deps.clock.now().toISOString() };
    });

    if (deps.reset) {
      const reset = deps.reset;
      app.post("/_sandbox/reset", async (request) => {
        const body = parse(resetBody, request.body, "reset body");
        await reset({ seed: body.seed ?? null });
        await deps.settle();
        return { ok: true, seed: body.seed ?? null };
      });
    }

    const emulators = deps.emulators;
    if (!emulators) {
      return;
    }
    const { twilio, stripe, slack, quickbooks } = emulators;

    app.get("/_sandbox/phones/:e164/messages", async (request) => {
      const { e164 } = parse(phoneParam, request.params, "phone number");
      return { messages: phoneMessages(twilio, e164) };
    });

    app.post("/_sandbox/phones/:e164/messages", async (request) => {
      const { e164 } = parse(phoneParam, request.params, "phone number");
      const { body } = parse(textBody, request.body, 'message: send { "body": "ya pagué" }');
      const result = await twilio
        .receiveFromPhone(e164, deps.businessNumber ?? "", body)
        .catch(asControlError);
      await deps.settle();
      return { messageSid: result.messageSid, messages: phoneMessages(twilio, e164) };
    });

    // Makes Twilio misbehave for one phone (TwilioFault): "landline", "queue", or an error
    // code such as "30003" or "21610"; null clears it.
    app.put("/_sandbox/phones/:e164/fault", async (request) => {
      const { e164 } = parse(phoneParam, request.params, "phone number");
      const { fault } = parse(
        faultBody,
        request.body,
        'fault: send { "fault": "30003" | "21610" | "landline" | "queue" | null }',
      );
      twilio.setFault(e164, fault);
      await deps.settle();
      return { phone: e164, fault };
    });

    app.post("/_sandbox/qbo/customers", async (request) => {
      const input = parse(
        z.object({ DisplayName: z.string().min(1) }).passthrough(),
        request.body,
        "customer (QuickBooks fields, DisplayName required)",
      );
      let customer: unknown;
      try {
        customer = quickbooks.createCustomer(input);
      } catch (error) {
        asControlError(error);
      }
      await deps.settle();
      return customer;
    });

    app.post("/_sandbox/qbo/invoices", async (request) => {
      const input = parse(
        z
          .object({
            CustomerRef: z.object({ value: z.string().min(1) }).passthrough(),
            TotalAmt: z.number().positive().optional(),
          })
          .passthrough(),
        request.body,
        "invoice (QuickBooks fields, CustomerRef required)",
      );
      let invoice: unknown;
      try {
        invoice = quickbooks.createInvoice(
          input as Parameters<QuickBooksEmulator["createInvoice"]>[0],
        );
      } catch (error) {
        asControlError(error);
      }
      await deps.settle();
      return invoice;
    });

    app.patch("/_sandbox/qbo/invoices/:id", async (request) => {
      const { id } = parse(z.object({ id: z.string().min(1) }), request.params, "invoice id");
      const patch = parse(z.object({}).passthrough(), request.body, "invoice patch");
      let invoice: unknown;
      try {
        invoice = quickbooks.patchInvoice(
          id,
          patch as Parameters<QuickBooksEmulator["patchInvoice"]>[1],
        );
      } catch (error) {
        asControlError(error);
      }
      await deps.settle();
      return invoice;
    });

    app.post("/_sandbox/qbo/invoices/:id/payments", async (request) => {
      const { id } = parse(z.object({ id: z.string().min(1) }), request.params, "invoice id");
      const { amount } = parse(paymentBody, request.body, 'payment: send { "amount": 100 }');
      let payment: unknown;
      try {
        payment = quickbooks.recordCheckPayment(id, amount);
      } catch (error) {
        asControlError(error);
      }
      await deps.settle();
      return payment;
    });

    app.post("/_sandbox/stripe/sessions/:id/pay", async (request) => {
      const { id } = parse(z.object({ id: z.string().min(1) }), request.params, "session id");
      const { outcome } = parse(
        payBody,
        request.body,
        'payment outcome: send { "outcome": "succeeded" | "failed" }',
      );
      const session = await stripe.pay(id, outcome).catch(asControlError);
      await deps.settle();
      return session;
    });

    app.post("/_sandbox/slack/actions", async (request) => {
      const body = parse(
        actionBody,
        request.body,
        "Slack action: send { message_ts, action_id, user }",
      );
      const delivery = await slack
        .clickButton(body.message_ts, body.action_id, body.user)
        .catch(asControlError);
      await deps.settle();
      return delivery;
    });

    app.post("/_sandbox/slack/threads/:ts/replies", async (request) => {
      const { ts } = parse(z.object({ ts: z.string().min(1) }), request.params, "thread ts");
      const body = parse(replyBody, request.body, "thread reply: send { text, user }");
      const delivery = await slack.replyInThread(ts, body.text, body.user).catch(asControlError);
      await deps.settle();
      return delivery;
    });
  };
}

function phoneMessages(twilio: TwilioEmulator, e164: string) {
  return twilio.messagesForPhone(e164).map((message) => ({
    sid: message.sid,
    from: message.from === e164 ? "phone" : "business",
    body: message.body,
    status: message.status,
    errorCode: message.errorCode,
    at: message.dateCreated.toISOString(),
  }));
}

/** The buttons of a Block Kit message, for the console to render as clickable. */
function buttonsOf(blocks: Array<{ type: string; [key: string]: unknown }>) {
  return blocks.flatMap((block) =>
    block.type === "actions" && Array.isArray(block.elements)
      ? (block.elements as Array<{ type?: string; action_id?: string; text?: { text?: string } }>)
          .filter((element) => element.type === "button" && element.action_id)
          .map((element) => ({
            action_id: element.action_id ?? "",
            text: element.text?.text ?? element.action_id ?? "",
          }))
      : [],
  );
}

function emulatorState(emulators: NonNullable<ControlApiDeps["emulators"]>) {
  const qbo = emulators.quickbooks.snapshot();
  const names = new Map(qbo.customers.map((customer) => [customer.Id, customer.DisplayName]));
  const customerPhones = new Map<string, string>();
  const phoneRegions = new Map<string, string>();
  for (const customer of qbo.customers) {
    const record = customer as {
      Mobile?: { FreeFormNumber?: string };
      PrimaryPhone?: { FreeFormNumber?: string };
      BillAddr?: { CountrySubDivisionCode?: string };
    };
    const phone = record.Mobile?.FreeFormNumber ?? record.PrimaryPhone?.FreeFormNumber;
    if (phone) {
      customerPhones.set(phone, customer.DisplayName);
      if (record.BillAddr?.CountrySubDivisionCode) {
        phoneRegions.set(phone, record.BillAddr.CountrySubDivisionCode);
      }
    }
  }
  const phones = new Set([...customerPhones.keys(), ...emulators.twilio.phones()]);
  const docNumbers = new Map(qbo.invoices.map((invoice) => [invoice.Id, invoice.DocNumber]));
  return {
    customers: qbo.customers,
    invoices: qbo.invoices.map((invoice) => ({
      id: invoice.Id,
      docNumber: invoice.DocNumber,
      customerId: invoice.CustomerRef.value,
      customerName: names.get(invoice.CustomerRef.value) ?? invoice.CustomerRef.name ?? "",
      dueDate: invoice.DueDate,
      total: invoice.TotalAmt,
      balance: invoice.Balance,
      currency: invoice.CurrencyRef.value,
    })),
    phones: [...phones].sort().map((e164) => ({
      e164,
      name: customerPhones.get(e164) ?? null,
      optedOut: emulators.twilio.isOptedOut(e164),
      /** A fault the sandbox set on this phone ("landline", "30003"…), if any. */
      fault: emulators.twilio.faultOf(e164),
      /** Where the phone's owner most likely is, for reading quiet hours in the console. */
      timeZone: recipientLocation({
        e164,
        timeZone: null,
        region: phoneRegions.get(e164) ?? null,
      }).timeZone,
      messages: phoneMessages(emulators.twilio, e164),
    })),
    // Payments recorded in QuickBooks: checks entered there and the app's Stripe write-backs.
    quickbooksPayments: qbo.payments.map((payment) => ({
      id: payment.Id,
      date: payment.TxnDate,
      customerId: payment.CustomerRef.value,
      customerName: names.get(payment.CustomerRef.value) ?? payment.CustomerRef.name ?? "",
      amount: payment.TotalAmt,
      unapplied: payment.UnappliedAmt,
      currency: payment.CurrencyRef.value,
      invoices: payment.Line.flatMap((line) =>
        line.LinkedTxn.filter((linked) => linked.TxnType === "Invoice").map((linked) => ({
          id: linked.TxnId,
          docNumber: docNumbers.get(linked.TxnId) ?? linked.TxnId,
          amount: line.Amount,
        })),
      ),
      reference: payment.PaymentRefNum ?? null,
      memo: payment.PrivateNote ?? null,
      createdAt: payment.MetaData.CreateTime,
    })),
    slack: emulators.slack.channelHistory().map((message) => ({
      ts: message.ts,
      text: message.text,
      buttons: buttonsOf(message.blocks),
      replies: message.replies.map((reply) => ({
        ts: reply.ts,
        user: reply.user,
        text: reply.text,
      })),
    })),
    stripe: emulators.stripe.state(),
  };
}

/** Wake-ups a single clock move may stop at before it gives up stepping and jumps. */
const MAX_WAKE_UPS = 10_000;

/**
 * Moves the clock to `target` the way real time would pass: it stops at every moment the
 * app has something scheduled on the way (08:00 reminders, deferred texts, promise checks)
 * and lets the app act there, so "advance one day" from 06:00 sends the 08:00 reminders at
 * 08:00, not never.
 */
async function moveClockTo(deps: ControlApiDeps, target: Date): Promise<void> {
  // First whatever is due right now (e.g. a fresh import's first ladder check).
  await deps.settle();
  for (let stop = 0; stop < MAX_WAKE_UPS && deps.nextWakeUp; stop++) {
    const next = await deps.nextWakeUp(deps.clock.now());
    if (!next || next.getTime() > target.getTime()) {
      break;
    }
    deps.clock.setTo(next);
    await deps.settle();
  }
  if (target.getTime() > deps.clock.now().getTime()) {
    deps.clock.setTo(target);
  }
  await deps.settle();
}
