import { and, eq } from "drizzle-orm";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIMER_KEYS } from "../../../machines/thread.machine.js";
import { TwilioSmsSender } from "../../../src/adapters/twilio/twilio-sms-sender.js";
import { TwilioWebhookVerifier } from "../../../src/adapters/twilio/twilio-webhook-verifier.js";
import {
  type DeliveryDeps,
  deliveryStatusHandler,
  handleDeliveryStatus,
  reactToDeliveryError,
} from "../../../src/app/handle-delivery-status.js";
import {
  type InboundDeps,
  processInboundEvent,
  receiveInboundEvent,
} from "../../../src/app/process-inbound-event.js";
import { SendThrottle } from "../../../src/app/send-throttle.js";
import {
  companies,
  consentEvents,
  inboundEvents,
  messages,
  outbox,
  phones,
  tasks,
  threads,
} from "../../../src/db/schema/index.js";
import { DrizzleDeliveryStore } from "../../../src/db/stores/delivery-store.js";
import { DrizzlePipelineStore } from "../../../src/db/stores/pipeline-store.js";
import type { AppError } from "../../../src/domain/errors.js";
import { twilioWebhookRoutes } from "../../../src/http/routes/webhooks-twilio.js";
import {
  TwilioEmulator,
  type TwilioFault,
} from "../../../src/sandbox/emulators/twilio/twilio-emulator.js";
import { twilioSignature } from "../../../src/sandbox/emulators/twilio/twilio-signature.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { createCompany, smsEvent, testPhone } from "../../helpers/pipeline-harness.js";
import { startEmulator } from "../../helpers/start-emulator.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";

// Twilio's reports on our texts, end to end: the real SDK sends to the emulator with a
// StatusCallback, the emulator posts signed callbacks to the real route, the pipeline stores
// them and the `twilio.status` handler updates the message and reacts per compliance.md §4.
// The dispatcher's part (writing the message row after the send) is played by `send()`.

const ACCOUNT_SID = `AC${"d4".repeat(16)}`;
const AUTH_TOKEN = "delivery-status-auth-token-0123";
const BUSINESS = "+15017122661";

let database: TestDatabase;
let clock: FakeClock;
let throttle: SendThrottle;
let inbound: InboundDeps;
let delivery: DeliveryDeps;
let app: FastifyInstance;
let appUrl: string;
let emulatorServer: Awaited<ReturnType<typeof startEmulator<TwilioEmulator>>>;
let emulator: TwilioEmulator;
let sender: TwilioSmsSender;
let companyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
  const logger = new MemoryLogger();
  throttle = new SendThrottle({ messagesPerSecond: 10, dailySegmentCap: 10_000 });
  inbound = {
    store: new DrizzlePipelineStore(database.db),
    clock,
    logger,
    maxAttempts: 5,
    handlers: {},
  };
  delivery = {
    store: new DrizzleDeliveryStore(database.db),
    submit: (event) => receiveInboundEvent(inbound, event),
    throttle,
    logger,
  };
  inbound.handlers = { "twilio.status": deliveryStatusHandler({ ...delivery, clock }) };

  const routeDeps = {
    verifier: new TwilioWebhookVerifier({ authToken: AUTH_TOKEN }),
    receive: (event: Parameters<typeof receiveInboundEvent>[1]) =>
      receiveInboundEvent(inbound, event),
    publicBaseUrl: "",
    clock,
    logger,
  };
  app = Fastify({ logger: false });
  await app.register(twilioWebhookRoutes(routeDeps));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  appUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  routeDeps.publicBaseUrl = appUrl;

  emulatorServer = await startEmulator(
    (selfBaseUrl) =>
      new TwilioEmulator(
        { clock, logger, appBaseUrl: appUrl, selfBaseUrl },
        {
          accountSid: ACCOUNT_SID,
          authToken: AUTH_TOKEN,
          messagingNumbers: [BUSINESS],
          // Callbacks come exactly when a test calls idle(), never on a real-time timer.
          queueReleaseMs: null,
        },
      ),
  );
  emulator = emulatorServer.emulator;
  sender = new TwilioSmsSender({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    baseUrl: emulatorServer.baseUrl,
    from: BUSINESS,
    statusCallbackUrl: `${appUrl}/webhooks/twilio/status`,
  });
  companyId = await createCompany(database);
}, 60_000);

afterAll(async () => {
  await emulatorServer?.close();
  await app?.close();
  await database?.close();
});

/** A customer phone with a thread (opened by a HELP, whose answer waits in the outbox). */
async function customer(
  fault: TwilioFault | null = null,
  company = companyId,
): Promise<{ phone: string; threadId: string }> {
  const phone = testPhone();
  await database.db.insert(phones).values({ companyId: company, e164: phone, source: "mobile" });
  const outcome = await receiveInboundEvent(inbound, {
    provider: "test",
    externalId: `open-${phone}`,
    type: "thread.event",
    payload: {
      companyId: company,
      phone,
      event: smsEvent("help", "HELP", clock.now().toISOString()),
    },
  });
  if (outcome.status !== "processed") {
    throw new Error(`thread not opened: ${JSON.stringify(outcome)}`);
  }
  emulator.setFault(phone, fault);
  return { phone, threadId: outcome.threadId };
}

/** Sends through the SDK and records the message row, as the dispatcher does. */
async function send(
  to: { phone: string; threadId: string },
  options: { validityPeriodSeconds?: number; record?: boolean; company?: string } = {},
): Promise<string> {
  const company = options.company ?? companyId;
  const sent = await sender.send({
    companyId: company,
    to: to.phone,
    body: "Acme: invoice 1037 is due. Reply STOP to opt out",
    reference: `ob_${to.phone}`,
    ...(options.validityPeriodSeconds === undefined
      ? {}
      : { validityPeriodSeconds: options.validityPeriodSeconds }),
  });
  if (options.record !== false) {
    await recordMessage(to, sent.providerMessageId, sent.status, company);
  }
  return sent.providerMessageId;
}

async function recordMessage(
  to: { phone: string; threadId: string },
  providerMessageId: string,
  status: string,
  company = companyId,
) {
  await database.db.insert(messages).values({
    companyId: company,
    threadId: to.threadId,
    direction: "outbound",
    kind: "reminder",
    body: "Acme: invoice 1037 is due. Reply STOP to opt out",
    toNumber: to.phone,
    providerMessageId,
    status,
    sentAt: clock.now(),
  });
}

async function messageRow(providerMessageId: string) {
  const [row] = await database.db
    .select()
    .from(messages)
    .where(eq(messages.providerMessageId, providerMessageId));
  return row;
}

async function phoneRow(phone: string, company = companyId) {
  const [row] = await database.db
    .select()
    .from(phones)
    .where(and(eq(phones.companyId, company), eq(phones.e164, phone)));
  return row;
}

async function tasksOf(threadId: string) {
  return database.db.select().from(tasks).where(eq(tasks.threadId, threadId));
}

async function outboxOf(threadId: string) {
  return database.db.select().from(outbox).where(eq(outbox.threadId, threadId));
}

/** Posts a status callback to the route, signed as Twilio signs it. */
async function postCallback(params: Record<string, string>) {
  const url = `${appUrl}/webhooks/twilio/status`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilioSignature(AUTH_TOKEN, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  return response.status;
}

function callback(sid: string, to: string, status: string, errorCode?: number) {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: "2010-04-01",
    From: BUSINESS,
    MessageSid: sid,
    MessageStatus: status,
    SmsSid: sid,
    SmsStatus: status,
    To: to,
    ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
  };
}

describe("status callbacks update the message", () => {
  it("carries ValidityPeriod and StatusCallback to Twilio; sent, then delivered land on the row", async () => {
    const to = await customer();
    const sid = await send(to, { validityPeriodSeconds: 300 });
    expect(emulator.message(sid)).toMatchObject({
      validityPeriod: 300,
      statusCallback: `${appUrl}/webhooks/twilio/status`,
      status: "queued",
    });
    expect((await messageRow(sid))?.status).toBe("queued");

    await emulator.idle();
    expect(await messageRow(sid)).toMatchObject({ status: "delivered", errorCode: null });
    const events = await database.db
      .select({ externalId: inboundEvents.externalId, status: inboundEvents.status })
      .from(inboundEvents)
      .where(eq(inboundEvents.type, "twilio.status"));
    expect(events.filter((event) => event.externalId.startsWith(sid))).toEqual(
      expect.arrayContaining([
        { externalId: `${sid}:sent`, status: "processed" },
        { externalId: `${sid}:delivered`, status: "processed" },
      ]),
    );
  });

  it("keeps the final status when callbacks arrive out of order", async () => {
    const to = await customer();
    const sid = `SM${"0a".repeat(16)}`;
    await recordMessage(to, sid, "queued");
    expect(await postCallback(callback(sid, to.phone, "delivered"))).toBe(204);
    expect(await postCallback(callback(sid, to.phone, "sent"))).toBe(204);
    expect(await postCallback(callback(sid, to.phone, "queued"))).toBe(204);
    expect((await messageRow(sid))?.status).toBe("delivered");
  });

  it("retries a callback that beat the message row, once the row exists", async () => {
    const to = await customer();
    const sid = await send(to, { record: false });
    await emulator.idle();
    const pending = await database.db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.externalId, `${sid}:delivered`));
    expect(pending[0]).toMatchObject({ status: "pending", attempts: 1 });
    expect(pending[0]?.error).toContain("No message recorded yet");

    await recordMessage(to, sid, "queued");
    clock.advance(60_000);
    for (const id of await inbound.store.pendingInboundIds(clock.now(), 50)) {
      await processInboundEvent(inbound, id);
    }
    expect((await messageRow(sid))?.status).toBe("delivered");
  });

  it("fails a message still queued past its ValidityPeriod with 30036, and changes nothing else", async () => {
    const to = await customer("queue");
    const sid = await send(to, { validityPeriodSeconds: 60 });
    await emulator.idle();
    expect((await messageRow(sid))?.status).toBe("queued");

    clock.advance(61_000);
    await emulator.idle();
    expect(await messageRow(sid)).toMatchObject({ status: "failed", errorCode: "30036" });
    expect(await tasksOf(to.threadId)).toEqual([]);
    expect(await phoneRow(to.phone)).toMatchObject({
      deliveryFailures: 0,
      undeliverable: false,
      smsBlockedReason: null,
    });
  });
});

describe("delivery errors get compliance.md §4's reaction", () => {
  it("21610: the thread opts out through the machine, the ledger says carrier, queued texts are dropped, staff are told once", async () => {
    const to = await customer({ errorCode: 21610, when: "delivery" });
    const queuedBefore = (await outboxOf(to.threadId)).filter(
      (row) => row.effectType === "sendSms" && row.status === "pending",
    );
    expect(queuedBefore).toHaveLength(1);

    const sid = await send(to);
    await emulator.idle();

    expect(await messageRow(sid)).toMatchObject({ status: "failed", errorCode: "21610" });
    const [thread] = await database.db.select().from(threads).where(eq(threads.id, to.threadId));
    expect(thread?.state).toBe("optedOut");
    expect((await phoneRow(to.phone))?.consent).toBe("opted_out");
    const ledger = await database.db
      .select()
      .from(consentEvents)
      .where(eq(consentEvents.e164, to.phone));
    expect(ledger).toMatchObject([{ change: "opt_out", source: "carrier", threadId: to.threadId }]);

    const rows = await outboxOf(to.threadId);
    expect(rows.filter((row) => row.effectType === "sendSms").map((row) => row.status)).toEqual([
      "skipped",
    ]);
    const alerts = await tasksOf(to.threadId);
    expect(alerts.map((task) => task.reason)).toEqual(["missed_opt_out"]);
    expect(
      rows.filter((row) => row.effectType === "notifyStaff").map((row) => row.payload.taskId),
    ).toEqual([alerts[0]?.id]);

    // A reminder coming due afterwards queues nothing.
    await receiveInboundEvent(inbound, {
      provider: "test",
      externalId: `reminder-after-optout-${to.phone}`,
      type: "thread.event",
      payload: {
        companyId,
        phone: to.phone,
        event: {
          type: "check.due",
          at: clock.now().toISOString(),
          key: TIMER_KEYS.reminder,
          reminder: { template: "reminder.overdue", invoiceIds: ["iv_1"] },
        },
      },
    });
    const after = await outboxOf(to.threadId);
    expect(after.filter((row) => row.effectType === "sendSms" && row.status === "pending")).toEqual(
      [],
    );
    expect(
      await database.db.select().from(consentEvents).where(eq(consentEvents.e164, to.phone)),
    ).toHaveLength(1);
  });

  it("21610 on a refused send after an opt-out we recorded: no alert, no second ledger row", async () => {
    const to = await customer();
    await receiveInboundEvent(inbound, {
      provider: "test",
      externalId: `stop-${to.phone}`,
      type: "thread.event",
      payload: {
        companyId,
        phone: to.phone,
        event: smsEvent("STOP", "STOP", clock.now().toISOString()),
      },
    });
    const outcome = await reactToDeliveryError(delivery, {
      companyId,
      phone: to.phone,
      threadId: to.threadId,
      code: 21610,
      at: clock.now(),
      reference: "ob_refused",
    });
    expect(outcome).toMatchObject({ applied: true, taskIds: [] });
    expect(await tasksOf(to.threadId)).toEqual([]);
    const ledger = await database.db
      .select()
      .from(consentEvents)
      .where(eq(consentEvents.e164, to.phone));
    expect(ledger.map((row) => [row.change, row.source])).toEqual([["opt_out", "sms"]]);
  });

  it("30003 twice in a row: the number becomes undeliverable and staff get one task", async () => {
    const to = await customer("30003");
    const first = await send(to);
    await emulator.idle();
    expect(await messageRow(first)).toMatchObject({ status: "undelivered", errorCode: "30003" });
    expect(await phoneRow(to.phone)).toMatchObject({ deliveryFailures: 1, undeliverable: false });
    expect(await tasksOf(to.threadId)).toEqual([]);

    await send(to);
    await emulator.idle();
    expect(await phoneRow(to.phone)).toMatchObject({
      deliveryFailures: 2,
      undeliverable: true,
      smsBlockedReason: "unreachable",
    });
    const alerts = await tasksOf(to.threadId);
    expect(alerts.map((task) => task.reason)).toEqual(["fix_phone"]);
    const notices = (await outboxOf(to.threadId)).filter((row) => row.effectType === "notifyStaff");
    expect(notices.map((row) => row.payload)).toEqual([
      { reason: "fix_phone", text: expect.stringContaining("30003"), taskId: alerts[0]?.id },
    ]);
  });

  it("a delivered text resets the consecutive 30003 count", async () => {
    const to = await customer("30003");
    await send(to);
    await emulator.idle();
    expect((await phoneRow(to.phone))?.deliveryFailures).toBe(1);

    emulator.setFault(to.phone, null);
    await send(to);
    await emulator.idle();
    expect((await phoneRow(to.phone))?.deliveryFailures).toBe(0);

    emulator.setFault(to.phone, "30003");
    await send(to);
    await emulator.idle();
    expect(await phoneRow(to.phone)).toMatchObject({ deliveryFailures: 1, undeliverable: false });
  });

  it("a redelivered callback changes nothing", async () => {
    const to = await customer("30003");
    const sid = await send(to);
    await emulator.idle();
    expect((await phoneRow(to.phone))?.deliveryFailures).toBe(1);

    // Twilio delivering the same callback again: stored once, so a no-op.
    expect(await postCallback(callback(sid, to.phone, "undelivered", 30003))).toBe(204);
    // The handler running again for it (a crash before the processed mark): no second count.
    const again = await handleDeliveryStatus(
      delivery,
      { providerMessageId: sid, status: "undelivered", errorCode: 30003 },
      clock.now(),
    );
    expect(again).toMatchObject({ statusChanged: false, reaction: { applied: false } });
    expect(await phoneRow(to.phone)).toMatchObject({ deliveryFailures: 1, undeliverable: false });
    expect(await tasksOf(to.threadId)).toEqual([]);
  });

  it("30034: the company's sending is paused and staff are told, once", async () => {
    const otherCompany = await createCompany(database, "Paused Plumbing");
    const to = await customer("30034", otherCompany);
    await send(to, { company: otherCompany });
    await emulator.idle();
    const [company] = await database.db
      .select()
      .from(companies)
      .where(eq(companies.id, otherCompany));
    expect(company?.sendingPausedAt).toEqual(clock.now());
    expect(company?.sendingPausedReason).toContain("30034");
    expect((await tasksOf(to.threadId)).map((task) => task.reason)).toEqual(["sending_paused"]);

    clock.advance(60_000);
    await send(to, { company: otherCompany });
    await emulator.idle();
    const [still] = await database.db
      .select()
      .from(companies)
      .where(eq(companies.id, otherCompany));
    expect(still?.sendingPausedAt).toEqual(company?.sendingPausedAt);
    expect(await tasksOf(to.threadId)).toHaveLength(1);
  });

  it("30022 halves the send rate for ten minutes", async () => {
    const to = await customer("30022");
    expect(throttle.rateAt(clock.now())).toBe(10);
    const sid = await send(to);
    await emulator.idle();
    expect(await messageRow(sid)).toMatchObject({ status: "failed", errorCode: "30022" });
    expect(throttle.rateAt(clock.now())).toBe(5);
    expect(throttle.rateAt(new Date(clock.now().getTime() + 10 * 60_000))).toBe(10);
    expect(await tasksOf(to.threadId)).toEqual([]);
  });

  it.each([
    ["30005", { smsBlockedReason: "unknown_number" }, "fix_phone"],
    ["30006", { smsBlockedReason: "landline_or_unreachable" }, "fix_phone"],
    ["30007", { smsBlockedReason: null }, "message_filtered"],
    ["30450", { smsBlockedReason: null }, "unmapped_delivery_error"],
  ] as const)("%s: %o and a %s task", async (code, phoneState, reason) => {
    const to = await customer(code);
    await send(to);
    await emulator.idle();
    expect(await phoneRow(to.phone)).toMatchObject(phoneState);
    expect((await tasksOf(to.threadId)).map((task) => task.reason)).toEqual([reason]);
  });

  it.each([
    [21211, "invalid_number"],
    [21614, "not_mobile"],
    [21635, "landline"],
  ] as const)(
    "%i refusing the send: the number is blocked (%s) and staff asked to fix it, once",
    async (code, blocked) => {
      const to = await customer(`${code}`);
      // What the dispatcher does with a refused send: the provider's code goes to the reaction.
      const refusal = await sender
        .send({ companyId, to: to.phone, body: "Acme: hi", reference: `ob_${code}` })
        .then(
          () => null,
          (error: unknown) => error as AppError,
        );
      expect(refusal).toMatchObject({ retryable: false, context: { providerCode: code } });
      const report = {
        companyId,
        phone: to.phone,
        threadId: to.threadId,
        code: Number(refusal?.context.providerCode),
        at: clock.now(),
        reference: `ob_${code}`,
      };
      expect((await reactToDeliveryError(delivery, report)).taskIds).toHaveLength(1);
      expect((await phoneRow(to.phone))?.smsBlockedReason).toBe(blocked);
      expect((await reactToDeliveryError(delivery, report)).taskIds).toEqual([]);
      expect((await tasksOf(to.threadId)).map((task) => task.reason)).toEqual(["fix_phone"]);
    },
  );
});
