import type { ThreadEffect } from "../../../machines/thread.effects.js";
import type {
  EffectContext,
  InboundTextRecord,
  LockedThread,
  ThreadSave,
} from "../../app/ports.js";
import { newId } from "../ids.js";
import { Statement } from "../statement.js";

// Everything events do to their threads, as ONE statement of fixed text: the new snapshots,
// the ledger rows, timers and outbox rows their effects ask for, the inbound events
// themselves and the customers' own texts in the history. The changes travel as one JSON
// parameter, so the text never varies with the effects and a connection prepares and plans
// it once, and several threads' changes share a round trip (the customer-text fast path
// batches concurrent texts). Each write is a data-modifying CTE joined to `ready`: the
// changes whose thread update applied (still at the version read, its event not yet stored),
// so a change that lost a race writes nothing and can retry; the others still apply.
// A generic plan must not guess: the input's row count is unknown to the planner (it assumes
// a hundred), and against a small or freshly analysed table it would rather scan the whole
// table and hash than look a hundred rows up. Every row a CTE touches is therefore also named
// by \`= any(array(...))\` of the input's keys, which the planner answers from the index.

export interface ThreadChange {
  thread: Pick<LockedThread, "id" | "companyId" | "phone" | "version">;
  effects: readonly ThreadEffect[];
  context: EffectContext;
  /** The thread's new state; without it only the effects are written (thread already locked). */
  save?: ThreadSave;
  /**
   * The provider event this change applies, stored (processed) by the same statement when the
   * change applies. Nothing is written if an event with the same provider id is already stored
   * (a redelivery) or the thread had moved on; a concurrent insert of the same event fails the
   * whole statement on the unique key, so an event is never applied twice.
   */
  inboundEvent?: {
    id: string;
    provider: string;
    externalId: string;
    type: string;
    payload: Record<string, unknown>;
  };
  /** The customer's own text, recorded in the thread's history (once per provider id). */
  inboundMessage?: InboundTextRecord;
}

const THREAD_CHANGES = `
with input as (
  select * from jsonb_to_recordset($1::text::jsonb) as c(
    idx int, thread_id text, company_id text, phone text, version int, save boolean,
    snapshot jsonb, state text, machine_version int, new_version int,
    cancel_all boolean, cancel_keys text[], schedule_keys text[],
    scheduled_min timestamptz, timers jsonb, at timestamptz, causation_id text, outbox jsonb,
    tasks jsonb, consent jsonb, phone_consent text, promise jsonb, plans jsonb,
    flag_reason text, resolve_task_reasons text[], resolve_all_tasks boolean, redraw jsonb,
    event jsonb, message jsonb)
),
upd as (
  update threads t set snapshot = c.snapshot, state = c.state,
    machine_version = c.machine_version, version = c.new_version,
    -- The statement's sub-queries see the timers as they were before it: the ones it
    -- touches are left out of the read and their new times added.
    next_timer_at = case when c.cancel_all then c.scheduled_min else least(
      (select min(tt.due_at) from thread_timers tt
        where tt.thread_id = t.id and tt.status = 'pending' and tt.key <> all(c.schedule_keys || c.cancel_keys)),
      c.scheduled_min) end,
    updated_at = now()
  from input c
  where c.save and t.id = c.thread_id and t.version = c.version
    and t.id = any(array(select thread_id from input where save))
    and (c.event is null or not exists (select 1 from inbound_events e
      where e.provider = c.event->>'provider' and e.external_id = c.event->>'external_id'))
  returning t.id
),
ready as (
  select c.* from input c
  where c.thread_id in (select id from upd) or not c.save
),
cancelled_timers as (
  update thread_timers tt set status = 'cancelled' from ready c
  where tt.thread_id = c.thread_id and tt.status = 'pending'
    and tt.thread_id = any(array(select thread_id from ready))
    and ((c.cancel_all and tt.key <> all(c.schedule_keys)) or tt.key = any(c.cancel_keys))
),
scheduled_timers as (
  insert into thread_timers (id, company_id, thread_id, key, due_at)
  select s.id, c.company_id, c.thread_id, s.key, s.due_at
  from ready c cross join lateral jsonb_to_recordset(c.timers) as s(id text, key text, due_at timestamptz)
  on conflict (thread_id, key) do update
    set due_at = excluded.due_at, status = 'pending', attempts = 0, fired_at = null, last_error = null
),
new_tasks as (
  insert into tasks (id, company_id, thread_id, reason, details)
  select k.id, c.company_id, c.thread_id, k.reason, k.details
  from ready c cross join lateral jsonb_to_recordset(c.tasks) as k(id text, reason text, details jsonb)
),
resolved_tasks as (
  update tasks tk set status = 'done', resolved_at = c.at, updated_at = now() from ready c
  where tk.thread_id = c.thread_id and tk.status <> 'done'
    and tk.thread_id = any(array(select thread_id from ready
      where resolve_all_tasks or cardinality(resolve_task_reasons) > 0))
    and (c.resolve_all_tasks or tk.reason = any(c.resolve_task_reasons))
),
redraws as (
  -- One redraw per task open before this change (the statement reads tasks as they were, so
  -- the tasks it resolves are still redrawn, as resolved). Ids are made here because the
  -- tasks are only known here; hex is a subset of our id alphabet. After the change's other
  -- rows, so a notice queued with it is never overtaken. The thread's version orders redraws
  -- of one post (a frozen clock gives two events the same instant).
  insert into outbox (id, company_id, thread_id, effect_type, payload, available_at, causation_id, created_at)
  select 'ob_' || substr(md5(tk.id || random()::text), 1, 16), c.company_id,
    c.thread_id, 'updateStaffNotice',
    jsonb_build_object('taskId', tk.id, 'state', c.redraw->>'state', 'by', c.redraw->>'by',
      'version', coalesce(c.new_version, c.version)),
    c.at, c.causation_id, c.at + (jsonb_array_length(c.outbox) + 1) * interval '1 microsecond'
  from ready c join tasks tk on tk.thread_id = c.thread_id and tk.status <> 'done'
  where c.redraw is not null
    and tk.thread_id = any(array(select thread_id from ready where redraw is not null))
),
new_outbox as (
  -- The n-th row of a change is created n microseconds after it: the dispatcher claims in
  -- available_at, then created_at order, so texts due together leave in the order queued
  -- (a card-number warning before the answer that carries the link).
  insert into outbox (id, company_id, thread_id, effect_type, payload, available_at, causation_id, created_at)
  select o.id, c.company_id, c.thread_id, o.effect_type, o.payload, c.at, c.causation_id,
    c.at + o.seq * interval '1 microsecond'
  from ready c cross join lateral jsonb_to_recordset(c.outbox) as o(id text, effect_type text, payload jsonb, seq int)
),
new_consent as (
  insert into consent_events (id, company_id, e164, change, source, text, occurred_at, thread_id)
  select k.id, c.company_id, c.phone, k.change, k.source, k.text, c.at, c.thread_id
  from ready c cross join lateral jsonb_to_recordset(c.consent) as k(id text, change text, source text, text text)
),
phone_consent as (
  update phones p set consent = c.phone_consent, updated_at = c.at from ready c
  where c.phone_consent is not null and p.company_id = c.company_id and p.e164 = c.phone
    and p.e164 = any(array(select phone from ready where phone_consent is not null))
),
old_promises as (
  update promises pr set status = 'superseded', resolved_at = c.at from ready c
  where c.promise is not null and pr.thread_id = c.thread_id and pr.status = 'open'
    and pr.thread_id = any(array(select thread_id from ready where promise is not null))
),
new_promise as (
  insert into promises (id, company_id, thread_id, promised_date, invoice_ids, made_at)
  select c.promise->>'id', c.company_id, c.thread_id, (c.promise->>'date')::date,
    array(select jsonb_array_elements_text(c.promise->'invoice_ids')), c.at
  from ready c where c.promise is not null
),
new_plans as (
  insert into payment_plans (id, company_id, thread_id, currency, invoice_ids, installments, agreed_at)
  select p.id, c.company_id, c.thread_id, p.currency,
    array(select jsonb_array_elements_text(p.invoice_ids)), p.installments, c.at
  from ready c cross join lateral jsonb_to_recordset(c.plans) as p(id text, currency text, invoice_ids jsonb, installments jsonb)
),
flagged as (
  update customers cu set flagged_for_staff = true, flag_reason = c.flag_reason, updated_at = c.at
  from ready c
  where c.flag_reason is not null
    and cu.id = (select ph.customer_id from phones ph where ph.company_id = c.company_id and ph.e164 = c.phone)
    and cu.id = any(array(select (select ph.customer_id from phones ph
      where ph.company_id = r.company_id and ph.e164 = r.phone) from ready r where r.flag_reason is not null))
),
stored as (
  insert into inbound_events (id, provider, external_id, type, payload, received_at,
    available_at, status, thread_id, processed_at)
  select c.event->>'id', c.event->>'provider', c.event->>'external_id', c.event->>'type',
    c.event->'payload', c.at, c.at, 'processed', c.thread_id, c.at
  from ready c where c.event is not null
),
inbound_message as (
  insert into messages (id, company_id, thread_id, direction, kind, body, from_number,
    to_number, provider_message_id, status, sent_at, created_at, updated_at)
  select c.message->>'id', c.company_id, c.thread_id, 'inbound', 'customer', c.message->>'body',
    c.message->>'from', c.message->>'to', c.message->>'provider_message_id', 'received',
    c.at, c.at, now()
  from ready c where c.message is not null
  on conflict (provider_message_id) do nothing
)
select count(*)::int as applied, coalesce(string_agg(idx::text, ','), '') as applied_changes
from ready`;

/**
 * One row: `applied`, how many of the changes were written, and `applied_changes`, their
 * positions in `changes` (comma-separated). A change is not written when its thread had moved
 * on or its event was already stored. At most one change per thread: two would both pass the
 * same version check.
 */
export function threadChangesStatement(changes: readonly ThreadChange[]): Statement {
  const threads = new Set(changes.map((change) => change.thread.id));
  if (threads.size !== changes.length) {
    throw new Error("threadChangesStatement: at most one change per thread in one statement");
  }
  return new Statement(THREAD_CHANGE_TEXT, [JSON.stringify(changes.map(changeRow))]);
}

/** The statement for one change (`applied` is 1 or 0). */
export function threadChangeStatement(change: ThreadChange): Statement {
  return threadChangesStatement([change]);
}

const THREAD_CHANGE_TEXT = THREAD_CHANGES.split("$1");

/** A change as the statement's JSON input reads it (`input`'s columns). */
function changeRow(change: ThreadChange, idx: number) {
  const { thread, context, save } = change;
  const at = context.at.toISOString();
  const outbox: Array<{ id: string; effect_type: string; payload: object; seq: number }> = [];
  const tasks: Array<{ id: string; reason: string; details: object }> = [];
  const consent: Array<{ id: string; change: string; source: string; text: string | null }> = [];
  const plans: Array<{
    id: string;
    currency: string;
    invoice_ids: string[];
    installments: unknown;
  }> = [];
  let phoneConsent: "opted_out" | "subscribed" | null = null;
  let promise: { id: string; date: string; invoice_ids: string[] } | null = null;
  let flagReason: string | null = null;
  const resolveTaskReasons: string[] = [];
  let resolveAllTasks = false;
  let redraw: { state: string; by: string } | null = null;
  for (const effect of change.effects) {
    switch (effect.type) {
      case "sendSms":
        outbox.push({
          id: newId("outbox"),
          effect_type: "sendSms",
          payload: effect.params,
          seq: outbox.length,
        });
        break;
      case "notifyStaff": {
        const taskId = newId("task");
        tasks.push({ id: taskId, reason: effect.params.reason, details: effect.params });
        outbox.push({
          id: newId("outbox"),
          effect_type: "notifyStaff",
          payload: { ...effect.params, taskId },
          seq: outbox.length,
        });
        break;
      }
      case "recordConsent":
        consent.push({
          id: newId("consentEvent"),
          change: effect.params.change,
          source: effect.params.source,
          text: effect.params.text ?? null,
        });
        phoneConsent = effect.params.change === "opt_out" ? "opted_out" : "subscribed";
        break;
      case "recordPromise":
        // Two promises in one event: the later one stands (the earlier would be superseded).
        promise = {
          id: newId("promise"),
          date: effect.params.date,
          invoice_ids: effect.params.invoiceIds,
        };
        break;
      case "createPlan":
        plans.push({
          id: newId("paymentPlan"),
          currency: effect.params.currency,
          invoice_ids: effect.params.invoiceIds,
          installments: effect.params.installments,
        });
        break;
      case "flagCustomer":
        flagReason = effect.params.reason;
        break;
      case "resolveStaffTasks":
        if (effect.params.reasons === null) {
          resolveAllTasks = true;
        } else {
          resolveTaskReasons.push(...effect.params.reasons);
        }
        break;
      case "redrawStaffNotices":
        // Each post shows one state: the event's last word is the one staff should see.
        redraw = { state: effect.params.state, by: effect.params.by };
        break;
      case "scheduleTimer":
      case "cancelTimers":
        break;
    }
  }
  const { schedule, cancel, cancelAll } = foldTimers(change.effects);
  const scheduledTimes = [...schedule.values()].sort((a, b) => Date.parse(a) - Date.parse(b));
  const event = change.inboundEvent;
  const message = change.inboundMessage;
  return {
    idx,
    thread_id: thread.id,
    company_id: thread.companyId,
    phone: thread.phone,
    version: thread.version,
    save: save !== undefined,
    snapshot: save?.snapshot ?? null,
    state: save?.state ?? null,
    machine_version: save?.machineVersion ?? null,
    new_version: save?.version ?? null,
    cancel_all: cancelAll,
    cancel_keys: [...cancel],
    schedule_keys: [...schedule.keys()],
    scheduled_min: scheduledTimes[0] ?? null,
    timers: [...schedule].map(([key, dueAt]) => ({ id: newId("threadTimer"), key, due_at: dueAt })),
    at,
    causation_id: context.causationId,
    outbox,
    tasks,
    consent,
    phone_consent: phoneConsent,
    promise,
    plans,
    flag_reason: flagReason,
    resolve_task_reasons: resolveTaskReasons,
    resolve_all_tasks: resolveAllTasks,
    redraw,
    event: event
      ? {
          id: event.id,
          provider: event.provider,
          external_id: event.externalId,
          type: event.type,
          payload: event.payload,
        }
      : null,
    message: message
      ? {
          id: newId("message"),
          body: message.body,
          from: message.from,
          to: message.to,
          provider_message_id: message.providerMessageId,
        }
      : null,
  };
}

/** The effects' net result on the thread's timers, in order (a later effect wins). */
function foldTimers(effects: readonly ThreadEffect[]): {
  schedule: Map<string, string>;
  cancel: Set<string>;
  cancelAll: boolean;
} {
  const schedule = new Map<string, string>();
  const cancel = new Set<string>();
  let cancelAll = false;
  for (const effect of effects) {
    if (effect.type === "scheduleTimer") {
      schedule.set(effect.params.key, effect.params.at);
      cancel.delete(effect.params.key);
    } else if (effect.type === "cancelTimers" && effect.params.keys === null) {
      cancelAll = true;
      schedule.clear();
      cancel.clear();
    } else if (effect.type === "cancelTimers") {
      for (const key of effect.params.keys ?? []) {
        schedule.delete(key);
        cancel.add(key);
      }
    }
  }
  return { schedule, cancel, cancelAll };
}
