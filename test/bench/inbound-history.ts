import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";

// What a live database holds after some weeks of replies, for the seeded customers' threads:
// their past texts as stored events and history (in and out), the outbox rows that sent the
// answers, staff tasks long done, fired timers and settled promises. Measuring against empty
// tables would be measuring a database no customer has: the planner, seeing tables empty,
// picks plans (sequential scans, hash joins) that a prepared statement then keeps while the
// tables fill during the run, and every index is one page deep.

/** Past exchanges per thread: each is a text in, its stored event, an answer out. */
export const HISTORY_PER_THREAD = 10;

export async function seedReplyHistory(db: Database, companyId: string): Promise<void> {
  const past = sql`now() - n * interval '1 day'`;
  const threads = sql`(select id, phone from threads where company_id = ${companyId}) t
    cross join generate_series(1, ${HISTORY_PER_THREAD}) as n`;
  await db.execute(sql`
    insert into inbound_events (id, provider, external_id, type, payload, status, received_at,
      available_at, processed_at, thread_id)
    select 'ie_hist_' || t.id || '_' || n, 'twilio', 'SMhist' || md5(t.id || n), 'twilio.sms',
      jsonb_build_object('From', t.phone, 'Body', 'history ' || n), 'processed', ${past}, ${past},
      ${past}, t.id
    from ${threads}`);
  await db.execute(sql`
    insert into messages (id, company_id, thread_id, direction, kind, body, from_number, to_number,
      provider_message_id, status, sent_at, created_at)
    select 'msg_hist_' || t.id || '_' || n || '_' || d, ${companyId}, t.id,
      case when d = 0 then 'inbound' else 'outbound' end,
      case when d = 0 then 'customer' else 'reply' end,
      'history ' || n, t.phone, t.phone, 'SMhist' || md5(t.id || n || d),
      case when d = 0 then 'received' else 'delivered' end, ${past}, ${past}
    from ${threads} cross join generate_series(0, 1) as d`);
  await db.execute(sql`
    insert into outbox (id, company_id, thread_id, effect_type, payload, status, available_at,
      causation_id, created_at)
    select 'ob_hist_' || t.id || '_' || n, ${companyId}, t.id, 'sendSms', '{}'::jsonb, 'sent',
      ${past}, 'sms:SMhist' || md5(t.id || n), ${past}
    from ${threads}`);
  await db.execute(sql`
    insert into tasks (id, company_id, thread_id, reason, status, resolved_at)
    select 'task_hist_' || t.id || '_' || n, ${companyId}, t.id, 'unclear_replies', 'done', ${past}
    from ${threads} where n <= 2`);
  await db.execute(sql`
    insert into thread_timers (id, company_id, thread_id, key, due_at, status, fired_at)
    select 'tmr_hist_' || t.id || '_' || n, ${companyId}, t.id, 'history:' || n, ${past},
      'fired', ${past}
    from ${threads} where n <= 2`);
  await db.execute(sql`
    insert into promises (id, company_id, thread_id, promised_date, invoice_ids, made_at, status,
      resolved_at)
    select 'prm_hist_' || t.id, ${companyId}, t.id, (now() - interval '20 days')::date, '{}',
      now() - interval '25 days', 'kept', now() - interval '19 days'
    from (select id from threads where company_id = ${companyId}) t`);
}
