import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { ThreadKey } from "../../app/ports.js";
import type { SlackActionThreads } from "../../app/slack-actions.js";
import {
  STAFF_NOTICE_MESSAGES,
  type StaffNoticeFacts,
  type StaffNoticeFactsStore,
} from "../../app/staff-notice-port.js";
import type { Database } from "../client.js";
import { customers, invoices, messages, phones, threads } from "../schema/index.js";

/**
 * The customer, open invoices and last texts of a thread, for a staff notice; and the thread
 * a notice's button names.
 */
export class DrizzleStaffNoticeStore implements StaffNoticeFactsStore, SlackActionThreads {
  constructor(private readonly db: Database) {}

  async threadKey(threadId: string): Promise<ThreadKey | null> {
    const [row] = await this.db
      .select({ companyId: threads.companyId, phone: threads.phone })
      .from(threads)
      .where(eq(threads.id, threadId));
    return row ?? null;
  }

  async factsFor(threadId: string): Promise<StaffNoticeFacts | null> {
    const [thread] = await this.db
      .select({
        threadCustomerId: threads.customerId,
        phoneCustomerId: phones.customerId,
      })
      .from(threads)
      .leftJoin(
        phones,
        and(eq(phones.companyId, threads.companyId), eq(phones.e164, threads.phone)),
      )
      .where(eq(threads.id, threadId));
    if (!thread) {
      return null;
    }
    // The phone row is what the reminder pass follows to a customer; a thread may predate it.
    const customerId = thread.phoneCustomerId ?? thread.threadCustomerId;
    const [customer] = customerId
      ? await this.db
          .select({ name: customers.displayName })
          .from(customers)
          .where(eq(customers.id, customerId))
      : [];
    const invoiceRows = customerId
      ? await this.db
          .select({
            docNumber: invoices.docNumber,
            balanceMinor: invoices.balanceMinor,
            currency: invoices.currency,
            dueDate: invoices.dueDate,
          })
          .from(invoices)
          .where(
            and(
              eq(invoices.customerId, customerId),
              inArray(invoices.status, ["open", "disputed"]),
            ),
          )
          .orderBy(asc(invoices.dueDate), asc(invoices.docNumber))
      : [];
    // When each text happened: sent_at for ours, the arrival for the customer's (created_at is
    // the insert's own time for ours). At the same moment the customer's text came first: our
    // reply answers it ("outbound" sorts after "inbound", so first in this descending list).
    const messageRows = await this.db
      .select({
        direction: messages.direction,
        body: messages.body,
        sentAt: messages.sentAt,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(eq(messages.threadId, threadId))
      .orderBy(
        desc(sql`coalesce(${messages.sentAt}, ${messages.createdAt})`),
        desc(messages.direction),
        desc(messages.createdAt),
        desc(messages.id),
      )
      .limit(STAFF_NOTICE_MESSAGES);
    return {
      customerName: customer?.name ?? null,
      invoices: invoiceRows,
      lastMessages: messageRows.reverse().map((row) => ({
        direction: row.direction,
        body: row.body,
        at: (row.sentAt ?? row.createdAt).toISOString(),
      })),
    };
  }
}
