import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TwilioSmsSender } from "../../../src/adapters/twilio/twilio-sms-sender.js";
import { outbox } from "../../../src/db/schema/index.js";
import { DrizzleOutboxStore } from "../../../src/db/stores/outbox-store.js";
import { SANDBOX_CREDENTIALS } from "../../../src/sandbox/sandbox-server.js";
import { type ReminderSandbox, startReminderSandbox } from "./reminder-kit.js";

// "A crash between `sending` and the provider's reply never produces a second text." A
// worker is played by hand up to the crash: it claims the reminder, records the attempt and
// hands the text to Twilio, then dies before recording the outcome. The next dispatcher,
// once the lease has run out, must ask Twilio before doing anything.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-01, 06:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-01T12:00:00Z");
  await sandbox.settings({ sendingMode: "review" });
  await sandbox.clockTo("2027-02-01T14:00:00Z"); // 08:00 CST
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function queuedReminder(phone: string, name: string, number: string) {
  // Three days overdue on arrival: planned at once, held for review.
  await sandbox.invoice(await sandbox.customer(name, phone), 95, "2027-01-29", number);
  const companyId = await sandbox.companyId();
  const { held } = await sandbox.admin<{ held: Array<{ outboxId: string }> }>(
    "GET",
    `/api/companies/${companyId}/review`,
  );
  const row = held.at(-1);
  if (!row) {
    throw new Error("expected a held reminder");
  }
  await sandbox.admin("POST", `/api/companies/${companyId}/review/approve`, {
    ids: [row.outboxId],
  });
  return row.outboxId;
}

describe("a crash between 'sending' and the provider's reply", () => {
  it("is reconciled with Twilio and never produces a second text", async () => {
    const phone = "+15125550171";
    const outboxId = await queuedReminder(phone, "Crash Test Dummies", "1071");
    const store = new DrizzleOutboxStore(sandbox.running.database.db);
    const now = sandbox.running.clock.now();
    const [claimed] = await store.claimDue(now, 10);
    expect(claimed?.id).toBe(outboxId);
    const body = "Acme Plumbing & Heating: invoice 1071 reminder (sent just before the crash)";
    await store.recordAttempt(outboxId, { to: phone, body });
    const sender = new TwilioSmsSender({
      accountSid: SANDBOX_CREDENTIALS.twilio.accountSid,
      authToken: SANDBOX_CREDENTIALS.twilio.authToken,
      baseUrl: sandbox.running.sandboxUrl,
      from: SANDBOX_CREDENTIALS.twilio.businessNumber,
      statusCallbackUrl: `${sandbox.running.appUrl}/webhooks/twilio/status`,
    });
    await sender.send({
      companyId: claimed?.companyId ?? "",
      to: phone,
      body,
      reference: outboxId,
    });
    // The worker dies here. Another dispatcher runs, first within the lease, then after it.
    await sandbox.advance("PT1M");
    expect(await sandbox.messagesTo(phone)).toHaveLength(1);
    await sandbox.advance("PT5M");
    expect(await sandbox.messagesTo(phone)).toHaveLength(1);
    const [row] = await sandbox.running.database.db
      .select({ status: outbox.status, result: outbox.result })
      .from(outbox)
      .where(eq(outbox.id, outboxId));
    expect(row?.status).toBe("sent");
    expect(row?.result).toMatchObject({ reconciled: true });
  });

  it("a reminder claimed but never handed to Twilio is sent once after the lease", async () => {
    const phone = "+15125550172";
    const outboxId = await queuedReminder(phone, "Half Done Handyman", "1072");
    const store = new DrizzleOutboxStore(sandbox.running.database.db);
    const [claimed] = await store.claimDue(sandbox.running.clock.now(), 10);
    expect(claimed?.id).toBe(outboxId);
    // Dies before the provider call.
    await sandbox.advance("PT1M");
    expect(await sandbox.messagesTo(phone)).toEqual([]);
    await sandbox.advance("PT5M");
    const messages = await sandbox.messagesTo(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.body).toContain("1072");
  });
});
