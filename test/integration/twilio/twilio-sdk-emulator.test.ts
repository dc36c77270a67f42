import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTwilioClient } from "../../../src/adapters/twilio/twilio-client.js";
import { twilioDeliveryError } from "../../../src/adapters/twilio/twilio-errors.js";
import { TwilioLineTypeLookup } from "../../../src/adapters/twilio/twilio-line-type-lookup.js";
import { TwilioSmsSender } from "../../../src/adapters/twilio/twilio-sms-sender.js";
import { TwilioWebhookVerifier } from "../../../src/adapters/twilio/twilio-webhook-verifier.js";
import type { NewInboundEvent } from "../../../src/app/ports.js";
import { AppError } from "../../../src/domain/errors.js";
import { twilioWebhookRoutes } from "../../../src/http/routes/webhooks-twilio.js";
import { TwilioEmulator } from "../../../src/sandbox/emulators/twilio/twilio-emulator.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { startEmulator } from "../../helpers/start-emulator.js";

// The app's Twilio code paths through the real `twilio` SDK against the emulator, over
// loopback. Webhooks land on a real Fastify app running the real routes and verifier, so a
// callback counts as "signed" only if the SDK's validateRequest accepted it.

const ACCOUNT_SID = `AC${"a1".repeat(16)}`;
const AUTH_TOKEN = "emulated-auth-token-0123456789ab";
const BUSINESS = "+15017122661";
const SECOND_NUMBER = "+15017122662";

type Received = Omit<NewInboundEvent, "receivedAt">;

let app: FastifyInstance;
let appUrl: string;
let received: Received[];
let emulatorServer: Awaited<ReturnType<typeof startEmulator<TwilioEmulator>>>;
let emulator: TwilioEmulator;
let clock: FakeClock;
let phoneCounter = 0;

/** A fresh phone per test, so tests share the emulator without seeing each other. */
function newPhone(): string {
  phoneCounter += 1;
  return `+1415555${String(1000 + phoneCounter).padStart(4, "0")}`;
}

function sender(
  overrides: Partial<ConstructorParameters<typeof TwilioSmsSender>[0]> = {},
): TwilioSmsSender {
  return new TwilioSmsSender({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    baseUrl: emulatorServer.baseUrl,
    from: BUSINESS,
    statusCallbackUrl: `${appUrl}/webhooks/twilio/status`,
    ...overrides,
  });
}

function sdk() {
  return createTwilioClient({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    baseUrl: emulatorServer.baseUrl,
  });
}

function sms(to: string, body: string) {
  return { companyId: "co_test", to, body, reference: "ob_test" };
}

async function rejection(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

function statusEvents(sid: string): Array<Record<string, string>> {
  return received
    .filter((event) => event.type === "twilio.status" && event.externalId.startsWith(sid))
    .map((event) => event.payload as Record<string, string>);
}

beforeAll(async () => {
  clock = new FakeClock(new Date("2026-11-20T15:00:00Z"));
  const logger = new MemoryLogger();
  const deps = {
    verifier: new TwilioWebhookVerifier({ authToken: AUTH_TOKEN }),
    receive: async (event: Received) => {
      received.push(event);
      return { id: `ie_${received.length}`, duplicate: false };
    },
    publicBaseUrl: "",
    clock,
    logger,
  };
  app = Fastify({ logger: false });
  await app.register(twilioWebhookRoutes(deps));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  appUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  // In the sandbox PUBLIC_BASE_URL is the app's own loopback URL.
  deps.publicBaseUrl = appUrl;

  emulatorServer = await startEmulator(
    (selfBaseUrl) =>
      new TwilioEmulator(
        { clock, logger, appBaseUrl: appUrl, selfBaseUrl },
        {
          accountSid: ACCOUNT_SID,
          authToken: AUTH_TOKEN,
          messagingNumbers: [BUSINESS, SECOND_NUMBER],
        },
      ),
  );
  emulator = emulatorServer.emulator;
});

afterAll(async () => {
  await emulatorServer.close();
  await app.close();
});

beforeEach(() => {
  received = [];
});

describe("sending through the SDK", () => {
  it("creates a queued message, then reports sent and delivered by signed callbacks", async () => {
    const phone = newPhone();
    const sent = await sender().send(
      sms(phone, "Acme: invoice 1037 is due. Reply STOP to opt out"),
    );
    expect(sent.status).toBe("queued");
    expect(sent.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);

    await emulator.idle();
    const callbacks = statusEvents(sent.providerMessageId);
    expect(callbacks.map((form) => form.MessageStatus)).toEqual(["sent", "delivered"]);
    expect(callbacks[1]).toMatchObject({
      AccountSid: ACCOUNT_SID,
      From: BUSINESS,
      To: phone,
      MessageSid: sent.providerMessageId,
      SmsStatus: "delivered",
      ApiVersion: "2010-04-01",
    });
    expect(received.map((event) => event.externalId)).toEqual([
      `${sent.providerMessageId}:sent`,
      `${sent.providerMessageId}:delivered`,
    ]);
    expect(await sender().fetchStatus(sent.providerMessageId)).toEqual({
      status: "delivered",
      errorCode: null,
    });
  });

  it("fetches the message resource as the SDK models it", async () => {
    const phone = newPhone();
    const sent = await sender().send(sms(phone, "Acme: pagar aquí https://pay.example/p/x"));
    await emulator.idle();
    const message = await sdk().messages(sent.providerMessageId).fetch();
    expect(message).toMatchObject({
      sid: sent.providerMessageId,
      accountSid: ACCOUNT_SID,
      to: phone,
      from: BUSINESS,
      body: "Acme: pagar aquí https://pay.example/p/x",
      direction: "outbound-api",
      status: "delivered",
      numSegments: "1",
      errorCode: null,
      apiVersion: "2010-04-01",
    });
    expect(message.dateCreated).toEqual(clock.now());
  });

  it("answers an unknown message sid with Twilio's 404 body", async () => {
    const error = await rejection(sender().fetchStatus("SM00000000000000000000000000000000"));
    expect(error.context).toMatchObject({ httpStatus: 404, providerCode: 20404 });
    expect(error.retryable).toBe(false);
  });

  it("passes ValidityPeriod and StatusCallback through", async () => {
    const phone = newPhone();
    const sent = await sender({ validityPeriodSeconds: 600 }).send(sms(phone, "Acme: hello"));
    expect(emulator.message(sent.providerMessageId)).toMatchObject({
      validityPeriod: 600,
      statusCallback: `${appUrl}/webhooks/twilio/status`,
    });
    await emulator.idle();
  });

  it("sends through a Messaging Service from one of its numbers", async () => {
    const phone = newPhone();
    const serviceSender = sender({
      from: undefined,
      messagingServiceSid: emulator.messagingServiceSid,
    });
    const sent = await serviceSender.send(sms(phone, "Acme: via the service"));
    expect(sent.status).toBe("accepted");
    await emulator.idle();
    const callbacks = statusEvents(sent.providerMessageId);
    expect(callbacks.at(-1)).toMatchObject({
      MessageStatus: "delivered",
      MessagingServiceSid: emulator.messagingServiceSid,
    });
    expect([BUSINESS, SECOND_NUMBER]).toContain(callbacks.at(-1)?.From);
  });

  it("lists messages to a number, newest first, across pages", async () => {
    const phone = newPhone();
    const other = newPhone();
    for (const body of ["one", "two", "three"]) {
      await sender().send(sms(phone, body));
      clock.advance(60_000);
    }
    await sender().send(sms(other, "not for the first phone"));
    await emulator.idle();

    const client = sdk();
    const page = await client.messages.page({ to: phone, pageSize: 2 });
    expect(page.instances.map((message) => message.body)).toEqual(["three", "two"]);
    expect(page.nextPageUrl).toBeDefined();
    const next = await page.nextPage();
    expect(next?.instances.map((message) => message.body)).toEqual(["one"]);
    expect(next?.nextPageUrl).toBeUndefined();

    const all = await client.messages.list({ to: phone, pageSize: 2 });
    expect(all.map((message) => message.body)).toEqual(["three", "two", "one"]);
    const recent = await client.messages.list({
      to: phone,
      dateSentAfter: new Date(clock.now().getTime() - 150_000),
    });
    expect(recent.map((message) => message.body)).toEqual(["three", "two"]);
  });
});

describe("findSent", () => {
  it("finds the message with this body to this number since a date, and nothing else", async () => {
    const phone = newPhone();
    const since = clock.now();
    clock.advance(1_000);
    const sent = await sender().send(sms(phone, "Acme: reminder A"));
    await sender().send(sms(newPhone(), "Acme: reminder B"));
    await emulator.idle();

    expect(
      await sender().findSent({ companyId: "co_test", to: phone, body: "Acme: reminder A", since }),
    ).toEqual({ providerMessageId: sent.providerMessageId, status: "delivered" });
    expect(
      await sender().findSent({ companyId: "co_test", to: phone, body: "Acme: reminder B", since }),
    ).toBeNull();

    clock.advance(2 * 24 * 60 * 60 * 1000);
    expect(
      await sender().findSent({
        companyId: "co_test",
        to: phone,
        body: "Acme: reminder A",
        since: clock.now(),
      }),
    ).toBeNull();
  });
});

describe("inbound messages and Twilio's opt-out", () => {
  it("posts a signed inbound webhook with the real form fields", async () => {
    const phone = newPhone();
    const result = await emulator.receiveFromPhone(phone, BUSINESS, "ya pagué");
    expect(result.httpStatus).toBe(200);
    expect(result.replies).toEqual([]);
    expect(received).toHaveLength(1);
    const event = received[0];
    expect(event).toMatchObject({
      provider: "twilio",
      type: "twilio.sms",
      externalId: result.messageSid,
    });
    const form = event?.payload as Record<string, string>;
    expect(form).toMatchObject({
      MessageSid: result.messageSid,
      SmsSid: result.messageSid,
      SmsMessageSid: result.messageSid,
      AccountSid: ACCOUNT_SID,
      From: phone,
      To: BUSINESS,
      Body: "ya pagué",
      NumMedia: "0",
      NumSegments: "1",
      SmsStatus: "received",
      ApiVersion: "2010-04-01",
      FromCountry: "US",
    });
    expect(form).not.toHaveProperty("OptOutType");
  });

  it("blocks sends with 21610 after STOP and allows them again after START", async () => {
    const phone = newPhone();
    const stop = await emulator.receiveFromPhone(phone, BUSINESS, "STOP");
    expect(stop.httpStatus).toBe(200);
    expect(received.at(-1)?.payload).toMatchObject({ OptOutType: "STOP", Body: "STOP" });
    expect(emulator.isOptedOut(phone)).toBe(true);

    const blocked = await rejection(sender().send(sms(phone, "Acme: reminder")));
    expect(blocked.retryable).toBe(false);
    expect(blocked.code).toBe("PROVIDER_REJECTED");
    expect(blocked.context).toMatchObject({ providerCode: 21610, httpStatus: 400 });

    await emulator.receiveFromPhone(phone, BUSINESS, "start");
    expect(received.at(-1)?.payload).toMatchObject({ OptOutType: "START" });
    const again = await sender().send(sms(phone, "Acme: welcome back"));
    expect(again.status).toBe("queued");
    await emulator.idle();

    expect(
      emulator.messagesForPhone(phone).map((message) => [message.direction, message.body]),
    ).toEqual([
      ["inbound", "STOP"],
      ["outbound-reply", expect.stringContaining("unsubscribed")],
      ["inbound", "start"],
      ["outbound-reply", expect.stringContaining("re-subscribed")],
      ["outbound-api", "Acme: welcome back"],
    ]);
  });

  it("marks HELP with OptOutType but does not opt the phone out", async () => {
    const phone = newPhone();
    await emulator.receiveFromPhone(phone, BUSINESS, "help");
    expect(received.at(-1)?.payload).toMatchObject({ OptOutType: "HELP" });
    expect((await sender().send(sms(phone, "Acme: hi"))).status).toBe("queued");
    await emulator.idle();
  });

  it("is refused by the app when signed with another auth token", async () => {
    const phone = newPhone();
    const impostor = await startEmulator(
      (selfBaseUrl) =>
        new TwilioEmulator(
          { clock, logger: new MemoryLogger(), appBaseUrl: appUrl, selfBaseUrl },
          { accountSid: ACCOUNT_SID, authToken: "not-the-token", messagingNumbers: [BUSINESS] },
        ),
    );
    try {
      const result = await impostor.emulator.receiveFromPhone(phone, BUSINESS, "PAID");
      expect(result.httpStatus).toBe(403);
      expect(received).toEqual([]);
    } finally {
      await impostor.close();
    }
  });
});

describe("TwiML answers", () => {
  it("turns each <Message> of the app's answer into a text to the phone", async () => {
    const twimlApp = Fastify({ logger: false });
    twimlApp.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => done(null, body),
    );
    twimlApp.post("/sms", async (_request, reply) =>
      reply
        .header("content-type", "text/xml")
        .send(
          '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &amp; see you</Message></Response>',
        ),
    );
    await twimlApp.listen({ host: "127.0.0.1", port: 0 });
    const address = twimlApp.server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/sms`;
    const replying = await startEmulator(
      (selfBaseUrl) =>
        new TwilioEmulator(
          { clock, logger: new MemoryLogger(), appBaseUrl: appUrl, selfBaseUrl },
          {
            accountSid: ACCOUNT_SID,
            authToken: AUTH_TOKEN,
            messagingNumbers: [BUSINESS],
            smsWebhookUrl: url,
          },
        ),
    );
    try {
      const phone = newPhone();
      const result = await replying.emulator.receiveFromPhone(phone, BUSINESS, "who is this?");
      expect(result.replies.map((reply) => [reply.from, reply.to, reply.body])).toEqual([
        [BUSINESS, phone, "Thanks & see you"],
      ]);
      await replying.emulator.idle();
      expect(replying.emulator.messagesForPhone(phone).map((m) => [m.body, m.status])).toEqual([
        ["who is this?", "received"],
        ["Thanks & see you", "delivered"],
      ]);

      // After STOP, Twilio blocks the app's TwiML reply just like an API send.
      const stopped = await replying.emulator.receiveFromPhone(phone, BUSINESS, "STOP");
      expect(stopped.replies.map((reply) => [reply.status, reply.errorCode])).toEqual([
        ["failed", 21610],
      ]);
    } finally {
      await replying.close();
      await twimlApp.close();
    }
  });
});

describe("Lookup v2 line type", () => {
  it("reports mobile numbers, and landlines when the fault says so", async () => {
    const lookup = new TwilioLineTypeLookup({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: emulatorServer.baseUrl,
    });
    const mobile = newPhone();
    const landline = newPhone();
    emulator.setFault(landline, "landline");
    expect(await lookup.lookup(mobile)).toMatchObject({
      phone: mobile,
      valid: true,
      lineType: "mobile",
      providerType: "mobile",
    });
    expect(await lookup.lookup(landline)).toMatchObject({
      phone: landline,
      valid: true,
      lineType: "landline",
    });
    expect(await lookup.lookup("+1555")).toMatchObject({ valid: false, lineType: "unknown" });
    // Area code 555 does not exist: Twilio calls such numbers invalid, and so does the emulator.
    expect(await lookup.lookup("+15558675310")).toMatchObject({ valid: false });
  });
});

describe("faults surface as AppError", () => {
  it("landline: Twilio refuses the send with 21614, not retryable", async () => {
    const phone = newPhone();
    emulator.setFault(phone, "landline");
    const error = await rejection(sender().send(sms(phone, "Acme: hi")));
    expect(error.retryable).toBe(false);
    expect(error.context.providerCode).toBe(21614);
  });

  for (const [fault, finalStatus, retryable] of [
    ["30003", "undelivered", true],
    ["30006", "undelivered", false],
    ["30007", "undelivered", false],
    ["30022", "failed", true],
  ] as const) {
    it(`${fault}: accepted, then ${finalStatus} with ErrorCode ${fault} (retryable ${retryable})`, async () => {
      const phone = newPhone();
      emulator.setFault(phone, fault);
      const sent = await sender().send(sms(phone, "Acme: hi"));
      expect(sent.status).toBe("queued");
      await emulator.idle();

      const final = statusEvents(sent.providerMessageId).at(-1);
      expect(final).toMatchObject({ MessageStatus: finalStatus, ErrorCode: fault });
      const fetched = await sender().fetchStatus(sent.providerMessageId);
      expect(fetched).toEqual({ status: finalStatus, errorCode: Number(fault) });
      const error = twilioDeliveryError(Number(final?.ErrorCode), sent.providerMessageId);
      expect(error.retryable).toBe(retryable);
      expect(error.context.providerCode).toBe(Number(fault));
    });
  }

  it("429 and 503 from the API are retryable, with Twilio's code", async () => {
    const phone = newPhone();
    emulator.failNextRequests(429);
    const limited = await rejection(sender().send(sms(phone, "Acme: hi")));
    expect(limited).toMatchObject({ retryable: true, code: "PROVIDER_UNAVAILABLE" });
    expect(limited.context).toMatchObject({ httpStatus: 429, providerCode: 20429 });

    emulator.failNextRequests(503);
    const down = await rejection(
      sender().findSent({ companyId: "co_test", to: phone, body: "x", since: clock.now() }),
    );
    expect(down).toMatchObject({ retryable: true });
    expect(down.context).toMatchObject({ httpStatus: 503, providerCode: 20503 });

    // The fault was used up: the next call goes through.
    expect((await sender().send(sms(phone, "Acme: hi"))).status).toBe("queued");
    await emulator.idle();
  });

  it("validation errors are final: invalid To (21211), unknown From (21606)", async () => {
    const invalid = await rejection(sender().send(sms("555-0100", "Acme: hi")));
    expect(invalid).toMatchObject({ retryable: false, code: "PROVIDER_REJECTED" });
    expect(invalid.context.providerCode).toBe(21211);
    expect(invalid.message).not.toContain("555-0100");

    const unknownFrom = await rejection(
      sender({ from: "+15005550006" }).send(sms(newPhone(), "Acme: hi")),
    );
    expect(unknownFrom.context.providerCode).toBe(21606);
    expect(unknownFrom.retryable).toBe(false);
  });

  it("a wrong auth token is a final 401 (20003)", async () => {
    const error = await rejection(
      sender({ authToken: "wrong-token" }).send(sms(newPhone(), "Acme: hi")),
    );
    expect(error).toMatchObject({ retryable: false });
    expect(error.context).toMatchObject({ httpStatus: 401, providerCode: 20003 });
  });

  it("an unreachable API is a retryable network error", async () => {
    // A port that was just listening and is now closed: connection refused, on loopback.
    const closed = Fastify({ logger: false });
    await closed.listen({ host: "127.0.0.1", port: 0 });
    const address = closed.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await closed.close();
    const error = await rejection(
      sender({ baseUrl: `http://127.0.0.1:${port}` }).send(sms(newPhone(), "Acme: hi")),
    );
    expect(error).toMatchObject({ retryable: true, code: "PROVIDER_UNAVAILABLE" });
  });
});
