import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STAFF_NOTICE_MESSAGES } from "../../../src/app/staff-notice-port.js";
import {
  companies,
  customers,
  invoices,
  messages,
  phones,
  threads,
} from "../../../src/db/schema/index.js";
import { DrizzleStaffNoticeStore } from "../../../src/db/stores/staff-notice-store.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";

// The facts a staff notice shows, read with real SQL: the thread's customer through its phone,
// the open and disputed invoices oldest due first, and the last texts oldest first.

let database: TestDatabase;
let store: DrizzleStaffNoticeStore;
let companyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  store = new DrizzleStaffNoticeStore(database.db);
  const [company] = await database.db
    .insert(companies)
    .values({ name: "Acme Plumbing" })
    .returning({ id: companies.id });
  companyId = company?.id ?? "";
}, 60_000);

afterAll(async () => {
  await database?.close();
});

async function customerWithPhone(name: string, e164: string): Promise<string> {
  const [customer] = await database.db
    .insert(customers)
    .values({ companyId, displayName: name, quickbooksId: e164 })
    .returning({ id: customers.id });
  const customerId = customer?.id ?? "";
  await database.db
    .insert(phones)
    .values({ companyId, customerId, e164, source: "mobile", isPreferred: true });
  return customerId;
}

async function thread(e164: string): Promise<string> {
  const [row] = await database.db
    .insert(threads)
    .values({ companyId, phone: e164, state: "active", machineVersion: 1 })
    .returning({ id: threads.id });
  return row?.id ?? "";
}

async function invoice(
  customerId: string,
  docNumber: string,
  balanceMinor: number,
  dueDate: string,
  status: "open" | "paid" | "voided" | "disputed" = "open",
): Promise<void> {
  await database.db.insert(invoices).values({
    companyId,
    customerId,
    quickbooksId: `qb-${docNumber}`,
    docNumber,
    currency: "USD",
    totalMinor: balanceMinor,
    balanceMinor,
    dueDate,
    status,
  });
}

describe("DrizzleStaffNoticeStore", () => {
  it("reads the customer through the thread's phone, its open and disputed invoices, and the last five texts", async () => {
    const customerId = await customerWithPhone("José Núñez Peña", "+15125550201");
    await invoice(customerId, "3002", 12_550, "2027-02-10");
    await invoice(customerId, "3001", 90_000, "2027-01-29", "disputed");
    await invoice(customerId, "3000", 5_000, "2027-01-01", "paid");
    await invoice(customerId, "3003", 7_000, "2027-01-15", "voided");
    const threadId = await thread("+15125550201");
    for (let index = 0; index < 7; index++) {
      await database.db.insert(messages).values({
        companyId,
        threadId,
        direction: index % 2 === 0 ? "outbound" : "inbound",
        kind: index % 2 === 0 ? "reminder" : "customer",
        body: `text ${index}${index === 6 ? " ¿ya pagué?" : ""}`,
        status: "delivered",
        createdAt: new Date(Date.UTC(2027, 1, 1, 14, index)),
        // Outbound texts carry the send time; inbound ones fall back to their row's time.
        sentAt: index % 2 === 0 ? new Date(Date.UTC(2027, 1, 1, 14, index, 30)) : null,
      });
    }

    const facts = await store.factsFor(threadId);

    expect(facts).toEqual({
      customerName: "José Núñez Peña",
      invoices: [
        { docNumber: "3001", balanceMinor: 90_000, currency: "USD", dueDate: "2027-01-29" },
        { docNumber: "3002", balanceMinor: 12_550, currency: "USD", dueDate: "2027-02-10" },
      ],
      lastMessages: [
        { direction: "outbound", body: "text 2", at: "2027-02-01T14:02:30.000Z" },
        { direction: "inbound", body: "text 3", at: "2027-02-01T14:03:00.000Z" },
        { direction: "outbound", body: "text 4", at: "2027-02-01T14:04:30.000Z" },
        { direction: "inbound", body: "text 5", at: "2027-02-01T14:05:00.000Z" },
        { direction: "outbound", body: "text 6 ¿ya pagué?", at: "2027-02-01T14:06:30.000Z" },
      ],
    });
    expect(facts?.lastMessages).toHaveLength(STAFF_NOTICE_MESSAGES);
  });

  it("a number that belongs to no customer: no name, no invoices, and no texts yet", async () => {
    const threadId = await thread("+15125550202");
    expect(await store.factsFor(threadId)).toEqual({
      customerName: null,
      invoices: [],
      lastMessages: [],
    });
  });

  it("another customer's invoices and texts stay out", async () => {
    const mine = await customerWithPhone("Mine", "+15125550203");
    const theirs = await customerWithPhone("Theirs", "+15125550204");
    await invoice(mine, "4001", 1_000, "2027-03-01");
    await invoice(theirs, "4002", 2_000, "2027-03-01");
    const threadId = await thread("+15125550203");
    const otherThread = await thread("+15125550204");
    await database.db.insert(messages).values({
      companyId,
      threadId: otherThread,
      direction: "inbound",
      kind: "customer",
      body: "not yours",
      status: "received",
    });
    const facts = await store.factsFor(threadId);
    expect(facts?.customerName).toBe("Mine");
    expect(facts?.invoices.map((row) => row.docNumber)).toEqual(["4001"]);
    expect(facts?.lastMessages).toEqual([]);
  });

  it("orders texts by when they happened, the customer's first when our reply has the same instant", async () => {
    await customerWithPhone("Same Minute Salon", "+15125550205");
    const threadId = await thread("+15125550205");
    const answered = new Date("2027-02-02T14:00:00Z");
    // Our rows get created_at from the database's clock (today), the customer's carries its
    // arrival (2027), so created_at alone would put our reply before the text it answers.
    const ours = (body: string, sentAt: Date) => ({
      companyId,
      threadId,
      direction: "outbound" as const,
      kind: "reply" as const,
      body,
      status: "sent",
      sentAt,
    });
    await database.db.insert(messages).values(ours("reminder", new Date("2027-02-01T14:00:00Z")));
    await database.db.insert(messages).values(ours("we paused reminders", answered));
    await database.db.insert(messages).values({
      companyId,
      threadId,
      direction: "inbound",
      kind: "customer",
      body: "I dispute this",
      status: "received",
      sentAt: answered,
      createdAt: answered,
    });
    const facts = await store.factsFor(threadId);
    expect(facts?.lastMessages.map((message) => message.body)).toEqual([
      "reminder",
      "I dispute this",
      "we paused reminders",
    ]);
  });

  it("an unknown thread has no facts", async () => {
    expect(await store.factsFor("thread_missing")).toBeNull();
  });
});
