import type { ThreadInput } from "../../../machines/thread.context.js";
import type {
  FreshCustomerTextStore,
  StoredCustomerText,
  ThreadChangeWithText,
} from "../../app/receive-customer-text.js";
import type { PreparedRunner } from "../client.js";
import { newId } from "../ids.js";
import { threadChangeStatement } from "./thread-change-sql.js";

// The customer-text fast path's two statements, sent prepared (one Bind/Execute each once a
// connection has seen them). The first stores the text and reads, in the same round trip,
// the sender's thread and everything the machine needs; the second is the thread change.
//
// The first commits without waiting for its WAL flush (synchronous_commit off for that
// statement's own transaction only): the webhook is answered only after a later synchronous
// commit (the thread change, or the general path's transaction, or its failure count), and
// flushing that commit flushes the stored text with it, since the WAL is one sequence. A
// server crash before then loses a text Twilio was never told we had, as a crash before the
// insert would. One flush per text instead of two.

const STORE_AND_READ = `
with ev as (
  insert into inbound_events (id, provider, external_id, type, payload, received_at, available_at)
  values ($1, 'twilio', $2, 'twilio.sms', $3::text::jsonb, $4::text::timestamptz, $5::text::timestamptz)
  on conflict (provider, external_id) do nothing
  returning id
),
sender as (
  select p.company_id, p.customer_id, c.time_zone, c.region, c.language,
    t.id as thread_id, t.snapshot, t.machine_version, t.version
  from phones p
  left join customers c on c.id = p.customer_id
  left join threads t on t.company_id = p.company_id and t.phone = p.e164
  where p.e164 = $6
  order by t.updated_at desc nulls last
  limit 1
)
select set_config('synchronous_commit', 'off', true) as commit_mode,
  (select id from ev) as event_id,
  (select id from inbound_events where provider = 'twilio' and external_id = $2) as existing_id,
  s.company_id, s.customer_id, s.time_zone, s.region, s.language, s.thread_id, s.snapshot,
  s.machine_version, s.version,
  co.time_zone as company_time_zone, co.default_language as company_language,
  (select coalesce(json_agg(json_build_object('id', i.id, 'number', coalesce(i.doc_number, i.id),
      'balanceMinor', i.balance_minor, 'currency', i.currency, 'dueDate', i.due_date)
      order by i.due_date), '[]'::json)
    from invoices i where i.customer_id = s.customer_id and i.status = 'open') as open_invoices
from (select 1) as one
left join sender s on true
left join companies co on co.id = s.company_id`;

interface StoredRow extends Record<string, unknown> {
  event_id: string | null;
  existing_id: string | null;
  company_id: string | null;
  customer_id: string | null;
  time_zone: string | null;
  region: string | null;
  language: string | null;
  thread_id: string | null;
  snapshot: Record<string, unknown> | null;
  machine_version: number | null;
  version: number | null;
  company_time_zone: string | null;
  company_language: string | null;
  open_invoices: NonNullable<ThreadInput["openInvoices"]>;
}

export class PreparedFreshCustomerTextStore implements FreshCustomerTextStore {
  constructor(private readonly run: PreparedRunner) {}

  async storeAndRead(text: {
    messageSid: string;
    from: string;
    payload: Record<string, string>;
    receivedAt: Date;
    leaseUntil: Date;
  }): Promise<StoredCustomerText> {
    const [row] = await this.run<StoredRow>(STORE_AND_READ, [
      newId("inboundEvent"),
      text.messageSid,
      JSON.stringify(text.payload),
      text.receivedAt.toISOString(),
      text.leaseUntil.toISOString(),
      text.from,
    ]);
    if (!row) {
      throw new Error("storing a customer text returned no row");
    }
    if (row.event_id === null) {
      if (row.existing_id === null) {
        throw new Error(`Customer text ${text.messageSid} was neither stored nor found`);
      }
      return { status: "duplicate", eventId: row.existing_id };
    }
    if (
      row.company_id === null ||
      row.thread_id === null ||
      row.machine_version === null ||
      row.version === null ||
      row.company_time_zone === null
    ) {
      return { status: "stored", eventId: row.event_id, target: null };
    }
    // As the pipeline's threadInput reads it: the customer's language and zone, else the
    // company's.
    const language =
      row.customer_id !== null ? (row.language ?? row.company_language) : row.company_language;
    return {
      status: "stored",
      eventId: row.event_id,
      target: {
        thread: {
          id: row.thread_id,
          companyId: row.company_id,
          phone: text.from,
          snapshot: row.snapshot,
          machineVersion: row.machine_version,
          version: row.version,
        },
        input: {
          companyId: row.company_id,
          phone: text.from,
          language: language === "es" ? "es" : "en",
          timeZone: row.time_zone ?? row.company_time_zone,
          openInvoices: row.open_invoices,
        },
        customer:
          row.time_zone === null && row.region === null
            ? null
            : { timeZone: row.time_zone, region: row.region },
      },
    };
  }

  async apply(change: ThreadChangeWithText): Promise<boolean> {
    const { text, params } = threadChangeStatement({
      thread: change.thread,
      effects: change.step.effects,
      context: change.context,
      save: change.step.save,
      processedEventId: change.eventId,
      inboundMessage: change.text,
    }).render();
    const [row] = await this.run<{ applied: number }>(text, params);
    return Number(row?.applied ?? 0) === 1;
  }
}
