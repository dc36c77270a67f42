import type { ThreadInput } from "../../../machines/thread.context.js";
import type {
  AppliedCustomerText,
  CustomerTextRead,
  FreshCustomerTextStore,
  ThreadChangeWithText,
} from "../../app/receive-customer-text.js";
import type { PreparedRunner } from "../client.js";
import { newId } from "../ids.js";
import { threadChangeStatement } from "./thread-change-sql.js";
import { threadInputOf } from "./thread-input.js";

// The customer-text fast path's two statements, sent prepared (one Bind/Execute each once a
// connection has seen them). The first only reads: whether this MessageSid is already
// stored, the sender's thread and everything the machine needs. The second is the thread
// change, which stores the text as its inbound event in the same transaction, or writes
// nothing if the thread moved on meanwhile (the caller reads again). Nothing is written
// before the change: the webhook is answered only after it, so a crash in between loses a
// text Twilio was never told we had, exactly as a crash before a separate insert would.

const READ = `
with sender as (
  select p.company_id, p.customer_id, c.time_zone, c.region, c.language,
    t.id as thread_id, t.snapshot, t.machine_version, t.version
  from phones p
  left join customers c on c.id = p.customer_id
  left join threads t on t.company_id = p.company_id and t.phone = p.e164
  where p.e164 = $2
  order by t.updated_at desc nulls last
  limit 1
)
select (select id from inbound_events where provider = 'twilio' and external_id = $1) as existing_id,
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

interface ReadRow extends Record<string, unknown> {
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

  async read(text: { messageSid: string; from: string }): Promise<CustomerTextRead> {
    const [row] = await this.run<ReadRow>(READ, [text.messageSid, text.from]);
    if (!row) {
      throw new Error("reading a customer text's thread returned no row");
    }
    if (row.existing_id !== null) {
      return { status: "duplicate", eventId: row.existing_id };
    }
    if (
      row.company_id === null ||
      row.thread_id === null ||
      row.machine_version === null ||
      row.version === null ||
      row.company_time_zone === null
    ) {
      return { status: "new", target: null };
    }
    return {
      status: "new",
      target: {
        thread: {
          id: row.thread_id,
          companyId: row.company_id,
          phone: text.from,
          snapshot: row.snapshot,
          machineVersion: row.machine_version,
          version: row.version,
        },
        input: threadInputOf({
          companyId: row.company_id,
          phone: text.from,
          companyTimeZone: row.company_time_zone,
          companyLanguage: row.company_language,
          customerId: row.customer_id,
          customerLanguage: row.language,
          customerTimeZone: row.time_zone,
          openInvoices: row.open_invoices,
        }),
        customer:
          row.time_zone === null && row.region === null
            ? null
            : { timeZone: row.time_zone, region: row.region },
      },
    };
  }

  async apply(change: ThreadChangeWithText): Promise<AppliedCustomerText> {
    const eventId = newId("inboundEvent");
    const { text, params } = threadChangeStatement({
      thread: change.thread,
      effects: change.step.effects,
      context: change.context,
      save: change.step.save,
      inboundEvent: {
        id: eventId,
        provider: "twilio",
        externalId: change.text.providerMessageId,
        type: "twilio.sms",
        payload: change.payload,
      },
      inboundMessage: change.text,
    }).render();
    const [row] = await this.run<{ applied: number }>(text, params);
    return Number(row?.applied ?? 0) === 1
      ? { outcome: "applied", eventId }
      : { outcome: "not_applied" };
  }
}
