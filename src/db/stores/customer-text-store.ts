import { and, eq, sql } from "drizzle-orm";
import type { CustomerTextSender, CustomerTextStore } from "../../app/receive-customer-text.js";
import type { Database } from "../client.js";
import { newId } from "../ids.js";
import { companies, customers, phones, threads } from "../schema/index.js";

export class DrizzleCustomerTextStore implements CustomerTextStore {
  constructor(private readonly db: Database) {}

  async senderOf(from: string): Promise<CustomerTextSender | null> {
    // The most recently active thread with this number decides when several companies on one
    // deployment text it; a number nobody knows belongs to the only company, if there is one.
    const known = await this.db
      .select({
        companyId: phones.companyId,
        timeZone: customers.timeZone,
        region: customers.region,
      })
      .from(phones)
      .leftJoin(customers, eq(customers.id, phones.customerId))
      .leftJoin(
        threads,
        and(eq(threads.companyId, phones.companyId), eq(threads.phone, phones.e164)),
      )
      .where(eq(phones.e164, from))
      .orderBy(sql`${threads.updatedAt} desc nulls last`)
      .limit(1);
    const [match] = known;
    if (match) {
      return {
        companyId: match.companyId,
        customer:
          match.timeZone === null && match.region === null
            ? null
            : { timeZone: match.timeZone, region: match.region },
      };
    }
    const only = await this.db.select({ id: companies.id }).from(companies).limit(2);
    return only.length === 1 && only[0] ? { companyId: only[0].id, customer: null } : null;
  }

  async recordInboundMessage(message: {
    companyId: string;
    body: string;
    from: string;
    to: string;
    providerMessageId: string;
    at: Date;
  }): Promise<void> {
    // One statement: the thread is found by the insert itself (no thread, no row).
    await this.db.execute(sql`
      insert into messages (id, company_id, thread_id, direction, kind, body, from_number,
        to_number, provider_message_id, status, sent_at, created_at, updated_at)
      select ${newId("message")}, t.company_id, t.id, 'inbound', 'customer', ${message.body},
        ${message.from}, ${message.to}, ${message.providerMessageId}, 'received',
        ${message.at.toISOString()}::timestamptz, ${message.at.toISOString()}::timestamptz, now()
      from threads t
      where t.company_id = ${message.companyId} and t.phone = ${message.from}
      order by t.updated_at desc
      limit 1
      on conflict (provider_message_id) do nothing`);
  }
}
