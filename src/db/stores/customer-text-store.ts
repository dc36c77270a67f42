import { and, eq, sql } from "drizzle-orm";
import type { CustomerTextSender, CustomerTextStore } from "../../app/receive-customer-text.js";
import type { Database } from "../client.js";
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
}
