import type { ThreadInput } from "../../../machines/thread.context.js";
import type {
  AppliedCustomerText,
  CustomerTextRead,
  FreshCustomerTextStore,
  ThreadChangeWithText,
} from "../../app/receive-customer-text.js";
import type { PreparedRunner } from "../client.js";
import { newId } from "../ids.js";
import { StatementBatcher } from "../statement-batcher.js";
import { threadChangesStatement } from "./thread-change-sql.js";
import { threadInputOf } from "./thread-input.js";

// The customer-text fast path's two statements, sent prepared (one Bind/Execute each once a
// connection has seen them). The first only reads: whether this MessageSid is already
// stored, the sender's thread and everything the machine needs. The second is the thread
// change, which stores the text as its inbound event in the same transaction, or writes
// nothing if the thread moved on meanwhile (the caller reads again). Nothing is written
// before the change: the webhook is answered only after it, so a crash in between loses a
// text Twilio was never told we had, exactly as a crash before a separate insert would.
// Texts arriving together share both statements (StatementBatcher): one read for all of
// them, one write for their changes, each change still gated on its own thread's version.

const READ = `
with asked as (
  select * from jsonb_to_recordset($1::text::jsonb) as a(idx int, sid text, phone text)
)
select a.idx,
  (select id from inbound_events where provider = 'twilio' and external_id = a.sid) as existing_id,
  s.company_id, s.customer_id, s.time_zone, s.region, s.language, s.thread_id, s.snapshot,
  s.machine_version, s.version,
  co.time_zone as company_time_zone, co.default_language as company_language,
  (select coalesce(json_agg(json_build_object('id', i.id, 'number', coalesce(i.doc_number, i.id),
      'balanceMinor', i.balance_minor, 'currency', i.currency, 'dueDate', i.due_date)
      order by i.due_date), '[]'::json)
    from invoices i where i.customer_id = s.customer_id and i.status = 'open') as open_invoices
from asked a
left join lateral (
  select p.company_id, p.customer_id, c.time_zone, c.region, c.language,
    t.id as thread_id, t.snapshot, t.machine_version, t.version
  from phones p
  left join customers c on c.id = p.customer_id
  left join threads t on t.company_id = p.company_id and t.phone = p.e164
  where p.e164 = a.phone
  order by t.updated_at desc nulls last
  limit 1
) s on true
left join companies co on co.id = s.company_id`;

/**
 * Batches in flight per statement (of the pool's connections) and texts per batch. One in
 * flight: the texts that arrive meanwhile wait one round trip and share the next statement,
 * which costs PostgreSQL less than a second statement beside it (measured, issue 6 notes).
 */
const BATCHING = { maxInFlight: 1, maxBatch: 32 } as const;

interface ReadRow extends Record<string, unknown> {
  idx: number;
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
  private readonly reads: StatementBatcher<{ messageSid: string; from: string }, CustomerTextRead>;
  private readonly changes: StatementBatcher<ThreadChangeWithText, AppliedCustomerText>;

  constructor(private readonly run: PreparedRunner) {
    this.reads = new StatementBatcher((texts) => this.readAll(texts), BATCHING);
    this.changes = new StatementBatcher((changes) => this.applyAll(changes), {
      ...BATCHING,
      keyOf: (change) => change.thread.id,
    });
  }

  read(text: { messageSid: string; from: string }): Promise<CustomerTextRead> {
    return this.reads.submit(text);
  }

  apply(change: ThreadChangeWithText): Promise<AppliedCustomerText> {
    return this.changes.submit(change);
  }

  private async readAll(
    texts: Array<{ messageSid: string; from: string }>,
  ): Promise<CustomerTextRead[]> {
    const asked = texts.map((text, idx) => ({ idx, sid: text.messageSid, phone: text.from }));
    const rows = await this.run<ReadRow>(READ, [JSON.stringify(asked)]);
    const byIndex = new Map(rows.map((row) => [Number(row.idx), row]));
    return texts.map((text, idx) => {
      const row = byIndex.get(idx);
      if (!row) {
        throw new Error("reading a customer text's thread returned no row");
      }
      return readOf(row, text.from);
    });
  }

  private async applyAll(changes: ThreadChangeWithText[]): Promise<AppliedCustomerText[]> {
    const threadChanges = changes.map((change) => ({
      thread: change.thread,
      effects: change.step.effects,
      context: change.context,
      save: change.step.save,
      inboundEvent: {
        id: newId("inboundEvent"),
        provider: "twilio",
        externalId: change.text.providerMessageId,
        type: "twilio.sms",
        payload: change.payload,
      },
      inboundMessage: change.text,
    }));
    const { text, params } = threadChangesStatement(threadChanges).render();
    const [row] = await this.run<{ applied_changes: string }>(text, params);
    const applied = new Set((row?.applied_changes ?? "").split(",").filter(Boolean).map(Number));
    return threadChanges.map(
      (change, index): AppliedCustomerText =>
        applied.has(index)
          ? { outcome: "applied", eventId: change.inboundEvent.id }
          : { outcome: "not_applied" },
    );
  }
}

function readOf(row: ReadRow, from: string): CustomerTextRead {
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
        phone: from,
        snapshot: row.snapshot,
        machineVersion: row.machine_version,
        version: row.version,
      },
      input: threadInputOf({
        companyId: row.company_id,
        phone: from,
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
