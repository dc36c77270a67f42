import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReminderSandbox, startReminderSandbox } from "../reminders/reminder-kit.js";
import { lastText, remindedCustomer, text, threadState } from "./conversation-kit.js";

// What happens after the customer commits to something: a promise kept, a paid claim nobody
// can verify, a plan whose installment is missed, a customer who answers in Spanish.

let sandbox: ReminderSandbox;

beforeAll(async () => {
  // Monday 2027-02-08, 09:00 in Austin.
  sandbox = await startReminderSandbox("2027-02-08T15:00:00Z");
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe("after a commitment", () => {
  it("a kept promise closes the thread: paid before the date, thanked once, nothing more is sent", async () => {
    const phone = "+15125550201";
    const { invoiceId } = await remindedCustomer(sandbox, "Promise Keepers", phone);
    await text(sandbox, phone, "I'll pay on Friday");
    expect(await threadState(sandbox, phone)).toBe("promised");
    const count = (await lastText(sandbox, phone)).count;
    await sandbox.call("POST", `/_sandbox/qbo/invoices/${invoiceId}/payments`, { amount: 120 });
    expect(await threadState(sandbox, phone)).toBe("closed");
    const thanks = await lastText(sandbox, phone);
    expect(thanks.count).toBe(count + 1);
    expect(thanks.body).toMatch(/payment received, thank you/);
    await sandbox.advance("P10D");
    expect((await lastText(sandbox, phone)).count).toBe(count + 1);
    // Later, a copy for their records: the paid invoice, on a page that says so.
    await text(sandbox, phone, "can you send me the invoice please");
    const { body } = await lastText(sandbox, phone);
    const link = /https?:\/\/\S+\/i\/[A-Za-z0-9_-]{43}/.exec(body)?.[0];
    expect(link).toBeDefined();
    expect(await (await fetch(link ?? "")).text()).toMatch(/Paid/);
  });

  it("a paid claim nobody can verify goes back to staff after the configured days", async () => {
    const phone = "+15125550202";
    await remindedCustomer(sandbox, "Already Paid Auto", phone);
    await text(sandbox, phone, "I already paid this last week");
    expect(await threadState(sandbox, phone)).toBe("paidClaimed");
    const slack = (await sandbox.slackPosts()).length;
    await sandbox.advance("P4D");
    const posts = JSON.stringify((await sandbox.slackPosts()).slice(slack));
    expect(posts).not.toBe("[]");
    expect(posts).toMatch(/still unverified|paid claim/i);
  });

  it("a customer who answers in Spanish is answered in Spanish from then on", async () => {
    const phone = "+15125550203";
    await remindedCustomer(sandbox, "Switching Sides Salon", phone);
    await text(sandbox, phone, "ya pagué ayer");
    const { body } = await lastText(sandbox, phone);
    expect(body).toMatch(/gracias|pago/i);
    expect(body).not.toMatch(/thank/i);
  });

  it("a missed installment escalates to staff", async () => {
    const phone = "+15125550204";
    await remindedCustomer(sandbox, "Installment Interiors", phone);
    await text(sandbox, phone, "payment plan please");
    await text(sandbox, phone, "2");
    expect(await threadState(sandbox, phone)).toBe("onPlan");
    const slack = (await sandbox.slackPosts()).length;
    // Nothing is paid: past the first installment's date and grace day, staff are told.
    await sandbox.advance("P3D");
    expect(await threadState(sandbox, phone)).toBe("handedOff");
    expect(JSON.stringify((await sandbox.slackPosts()).slice(slack))).toMatch(/installment/i);
  });

  it("PLAN, then 3: each installment gets its own link, the next one's after the last is paid", async () => {
    const phone = "+15125550205";
    await remindedCustomer(sandbox, "Three Links Landscaping", phone);
    await text(sandbox, phone, "payment plan please");
    await text(sandbox, phone, "3");
    const links: string[] = [];
    const payInstallment = async () => {
      // The newest text about one installment (a thank-you with the rest's link may follow).
      const body =
        (await sandbox.messagesTo(phone))
          .map((message) => message.body)
          .filter((text) => text.includes("$40.00") && PAY_LINK.test(text))
          .at(-1) ?? "";
      const link = PAY_LINK.exec(body)?.[0] ?? "";
      links.push(link);
      const pressed = await fetch(link, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "",
        redirect: "manual",
      });
      const sessionId = /(cs_[A-Za-z0-9_]+)/.exec(pressed.headers.get("location") ?? "")?.[1];
      await sandbox.call("POST", `/_sandbox/stripe/sessions/${sessionId}/pay`, {
        outcome: "succeeded",
      });
    };
    await payInstallment(); // the first link came with the confirmation
    await sandbox.advance("P14DT6H"); // past the second installment's reminder
    await payInstallment();
    await sandbox.advance("P14DT6H"); // the third
    await payInstallment();
    expect(new Set(links).size).toBe(3);
    expect(links.every((link) => link !== "")).toBe(true);
    expect(await threadState(sandbox, phone)).toBe("closed");
  });
});

const PAY_LINK = /https?:\/\/\S+\/p\/[A-Za-z0-9_-]{43}/;
