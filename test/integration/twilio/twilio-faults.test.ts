import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHandler } from "../../../src/http/error-handler.js";
import { controlApiRoutes } from "../../../src/sandbox/control-api.js";
import type { TwilioEmulator } from "../../../src/sandbox/emulators/twilio/twilio-emulator.js";
import { SandboxClock } from "../../../src/sandbox/sandbox-clock.js";
import { createEmulators, SANDBOX_CREDENTIALS } from "../../../src/sandbox/sandbox-server.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";

// Making a phone fail with a chosen Twilio error: the emulator's per-number faults and the
// sandbox control API's PUT /_sandbox/phones/:e164/fault. Messages are created on the wire
// (form-encoded, Basic auth) as the SDK creates them.

const { accountSid, authToken, businessNumber } = SANDBOX_CREDENTIALS.twilio;
const MESSAGES = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

let app: FastifyInstance;
let twilio: TwilioEmulator;
let clock: SandboxClock;
let settled = 0;

beforeAll(async () => {
  clock = new SandboxClock(new Date("2026-11-20T15:00:00Z"), { frozen: true });
  const emulators = createEmulators({
    clock,
    logger: new MemoryLogger(),
    // No StatusCallback is given below, so nothing is delivered anywhere.
    appBaseUrl: "http://127.0.0.1:9",
    selfBaseUrl: () => "http://127.0.0.1:9",
  });
  twilio = emulators.twilio;
  app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  await twilio.register(app);
  await app.register(
    controlApiRoutes({
      clock,
      emulators,
      businessNumber,
      settle: async () => {
        settled += 1;
        await twilio.idle();
      },
    }),
  );
});

afterAll(async () => {
  await app.close();
});

async function create(to: string, extra: Record<string, string> = {}) {
  const response = await app.inject({
    method: "POST",
    url: MESSAGES,
    headers: {
      authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: new URLSearchParams({ To: to, From: businessNumber, Body: "hi", ...extra }).toString(),
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

async function setFault(phone: string, fault: unknown) {
  return app.inject({
    method: "PUT",
    url: `/_sandbox/phones/${encodeURIComponent(phone)}/fault`,
    payload: { fault },
  });
}

describe("PUT /_sandbox/phones/:e164/fault", () => {
  it("makes that phone's texts fail later with a delivery error code", async () => {
    const phone = "+15125550171";
    const response = await setFault(phone, "30005");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ phone, fault: "30005" });
    expect(settled).toBeGreaterThan(0);

    const created = await create(phone);
    expect(created.status).toBe(201);
    await twilio.idle();
    expect(twilio.message(String(created.body.sid))).toMatchObject({
      status: "undelivered",
      errorCode: 30005,
    });
  });

  it("makes the create call itself fail with an API error code (below 30000)", async () => {
    const phone = "+15125550172";
    await setFault(phone, "21211");
    const refused = await create(phone);
    expect(refused).toMatchObject({ status: 400, body: { code: 21211, status: 400 } });

    // Cleared: texts go through again.
    await setFault(phone, null);
    const created = await create(phone);
    expect(created.status).toBe(201);
    await twilio.idle();
    expect(twilio.message(String(created.body.sid))?.status).toBe("delivered");
  });

  it("explains a fault it does not know", async () => {
    const response = await setFault("+15125550173", "soon");
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain("fault");
  });
});

describe("emulator faults", () => {
  it("fails codes Twilio rejects before a carrier without a sent step", async () => {
    const phone = "+15125550174";
    twilio.setFault(phone, "30034");
    const created = await create(phone);
    await twilio.idle();
    expect(twilio.message(String(created.body.sid))).toMatchObject({
      status: "failed",
      errorCode: 30034,
      price: null,
    });
  });

  it("reports a 21610 on delivery when asked to (a Messaging Service's late opt-out check)", async () => {
    const phone = "+15125550175";
    twilio.setFault(phone, { errorCode: 21610, when: "delivery" });
    const created = await create(phone);
    expect(created.status).toBe(201);
    await twilio.idle();
    expect(twilio.message(String(created.body.sid))).toMatchObject({
      status: "failed",
      errorCode: 21610,
    });
  });

  it("queue: holds texts until cleared, and fails one past its ValidityPeriod with 30036", async () => {
    const phone = "+15125550176";
    twilio.setFault(phone, "queue");
    const shortLived = await create(phone, { ValidityPeriod: "120" });
    const longLived = await create(phone);
    await twilio.idle();
    expect(twilio.message(String(shortLived.body.sid))?.status).toBe("queued");

    clock.advance(121_000);
    await twilio.idle();
    expect(twilio.message(String(shortLived.body.sid))).toMatchObject({
      status: "failed",
      errorCode: 30036,
    });
    expect(twilio.message(String(longLived.body.sid))?.status).toBe("queued");

    twilio.setFault(phone, null);
    await twilio.idle();
    expect(twilio.message(String(longLived.body.sid))?.status).toBe("delivered");
  });
});
