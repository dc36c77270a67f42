import type { ThreadEffect } from "../../../machines/thread.effects.js";
import type {
  EffectContext,
  InboundTextRecord,
  LockedThread,
  ThreadSave,
} from "../../app/ports.js";
import { newId } from "../ids.js";
import {
  emptyStatement,
  joinStatements,
  rawStatement,
  type Statement,
  stmt,
} from "../statement.js";

// Everything one event does to a thread, as ONE statement: the new snapshot, the ledger rows,
// timers and outbox rows its effects ask for, the inbound event itself and the customer's
// own text in the history. Each write is a data-modifying CTE gated on the thread
// update, so with `save` the whole change applies only if the thread is still at the version
// it was read at (an optimistic writer that lost a race changes nothing and can retry under
// a lock). Round trips, not SQL, are most of an event's cost: one statement instead of one
// per row. Parameters are text cast in SQL, so every driver sends them the same way.

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

/**
 * One row, `applied`: 1 when the change was written, 0 when the thread had moved on or the
 * event was already stored.
 */
export function threadChangeStatement(change: ThreadChange): Statement {
  const { thread, context } = change;
  const at = context.at.toISOString();
  const parts: Statement[] = [
    change.save
      ? stmt`upd as (
          update threads set snapshot = ${JSON.stringify(change.save.snapshot)}::text::jsonb,
            state = ${change.save.state},
            machine_version = ${String(change.save.machineVersion)}::text::int,
            version = ${String(change.save.version)}::text::int,
            next_timer_at = ${nextTimerAt(thread.id, change.effects)},
            updated_at = now()
          where id = ${thread.id} and version = ${String(thread.version)}::text::int${
            change.inboundEvent
              ? stmt` and not exists (select 1 from inbound_events
                  where provider = ${change.inboundEvent.provider} and external_id = ${change.inboundEvent.externalId})`
              : emptyStatement
          }
          returning id)`
      : stmt`upd as (select ${thread.id}::text as id)`,
  ];
  const outboxRows: Statement[] = [];
  const taskRows: Statement[] = [];
  const consentRows: Statement[] = [];
  let consent: "opt_out" | "opt_in" | null = null;
  let promise: { date: string; invoiceIds: string[] } | null = null;
  for (const effect of change.effects) {
    switch (effect.type) {
      case "sendSms":
        outboxRows.push(outboxRow("sendSms", effect.params, at, outboxRows.length));
        break;
      case "notifyStaff": {
        const taskId = newId("task");
        taskRows.push(
          stmt`(${taskId}, ${effect.params.reason}, ${JSON.stringify(effect.params)}::text::jsonb)`,
        );
        outboxRows.push(
          outboxRow("notifyStaff", { ...effect.params, taskId }, at, outboxRows.length),
        );
        break;
      }
      case "recordConsent":
        consentRows.push(
          stmt`(${newId("consentEvent")}, ${effect.params.change}, ${effect.params.source}, ${effect.params.text ?? null})`,
        );
        consent = effect.params.change;
        break;
      case "recordPromise":
        // Two promises in one event: the later one stands (the earlier would be superseded).
        promise = effect.params;
        break;
      case "createPlan":
        parts.push(stmt`plan_${rawStatement(String(parts.length))} as (
          insert into payment_plans (id, company_id, thread_id, currency, invoice_ids, installments, agreed_at)
          select ${newId("paymentPlan")}, ${thread.companyId}, upd.id, ${effect.params.currency},
            ${textArray(effect.params.invoiceIds)}, ${JSON.stringify(effect.params.installments)}::text::jsonb,
            ${at}::text::timestamptz
          from upd)`);
        break;
      case "flagCustomer":
        parts.push(stmt`flag_${rawStatement(String(parts.length))} as (
          update customers set flagged_for_staff = true, flag_reason = ${effect.params.reason},
            updated_at = ${at}::text::timestamptz
          where id = (select customer_id from phones where company_id = ${thread.companyId} and e164 = ${thread.phone})
            and exists (select 1 from upd))`);
        break;
      case "scheduleTimer":
      case "cancelTimers":
        break;
    }
  }
  parts.push(...timerParts(thread, change.effects));
  if (taskRows.length > 0) {
    parts.push(stmt`new_tasks as (
      insert into tasks (id, company_id, thread_id, reason, details)
      select v.id, ${thread.companyId}, upd.id, v.reason, v.details
      from upd cross join (values ${joinStatements(taskRows)}) as v(id, reason, details))`);
  }
  if (outboxRows.length > 0) {
    parts.push(stmt`new_outbox as (
      insert into outbox (id, company_id, thread_id, effect_type, payload, available_at, causation_id, created_at)
      select v.id, ${thread.companyId}, upd.id, v.effect_type, v.payload, v.at, ${context.causationId}, v.created_at
      from upd cross join (values ${joinStatements(outboxRows)}) as v(id, effect_type, payload, at, created_at))`);
  }
  if (consentRows.length > 0) {
    parts.push(stmt`new_consent as (
      insert into consent_events (id, company_id, e164, change, source, text, occurred_at, thread_id)
      select v.id, ${thread.companyId}, ${thread.phone}, v.change, v.source, v.text, ${at}::text::timestamptz, upd.id
      from upd cross join (values ${joinStatements(consentRows)}) as v(id, change, source, text))`);
    parts.push(stmt`phone_consent as (
      update phones set consent = ${consent === "opt_out" ? "opted_out" : "subscribed"},
        updated_at = ${at}::text::timestamptz
      where company_id = ${thread.companyId} and e164 = ${thread.phone} and exists (select 1 from upd))`);
  }
  if (promise) {
    parts.push(stmt`old_promises as (
      update promises set status = 'superseded', resolved_at = ${at}::text::timestamptz
      where thread_id = ${thread.id} and status = 'open' and exists (select 1 from upd))`);
    parts.push(stmt`new_promise as (
      insert into promises (id, company_id, thread_id, promised_date, invoice_ids, made_at)
      select ${newId("promise")}, ${thread.companyId}, upd.id, ${promise.date}::text::date,
        ${textArray(promise.invoiceIds)}, ${at}::text::timestamptz
      from upd)`);
  }
  if (change.inboundEvent) {
    const event = change.inboundEvent;
    parts.push(stmt`stored as (
      insert into inbound_events (id, provider, external_id, type, payload, received_at,
        available_at, status, thread_id, processed_at)
      select ${event.id}, ${event.provider}, ${event.externalId}, ${event.type},
        ${JSON.stringify(event.payload)}::text::jsonb, ${at}::text::timestamptz, ${at}::text::timestamptz,
        'processed', upd.id, ${at}::text::timestamptz
      from upd)`);
  }
  if (change.inboundMessage) {
    const message = change.inboundMessage;
    parts.push(stmt`inbound_message as (
      insert into messages (id, company_id, thread_id, direction, kind, body, from_number,
        to_number, provider_message_id, status, sent_at, created_at, updated_at)
      select ${newId("message")}, ${thread.companyId}, upd.id, 'inbound', 'customer', ${message.body},
        ${message.from}, ${message.to}, ${message.providerMessageId}, 'received',
        ${at}::text::timestamptz, ${at}::text::timestamptz, now()
      from upd
      on conflict (provider_message_id) do nothing)`);
  }
  return stmt`with ${joinStatements(parts)} select (select count(*) from upd)::int as applied`;
}

/**
 * The n-th row of one change is created n microseconds after the change: the dispatcher
 * claims in `available_at`, then `created_at` order, so texts due together leave in the order
 * the machine queued them (a card-number warning before the answer that carries the link).
 */
function outboxRow(effectType: string, payload: object, at: string, index: number): Statement {
  return stmt`(${newId("outbox")}, ${effectType}, ${JSON.stringify(payload)}::text::jsonb,
    ${at}::text::timestamptz, ${at}::text::timestamptz + ${String(index)}::text::int * interval '1 microsecond')`;
}

function textArray(values: readonly string[]): Statement {
  return stmt`array(select jsonb_array_elements_text(${JSON.stringify(values)}::text::jsonb))`;
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

function keyList(keys: Iterable<string>): Statement {
  return joinStatements([...keys].map((key) => stmt`${key}`));
}

function timerParts(thread: ThreadChange["thread"], effects: readonly ThreadEffect[]): Statement[] {
  const { schedule, cancel, cancelAll } = foldTimers(effects);
  const parts: Statement[] = [];
  if (cancelAll || cancel.size > 0) {
    // Disjoint from the scheduled keys: one statement must not write a row twice.
    const which = cancelAll
      ? schedule.size > 0
        ? stmt`and key not in (${keyList(schedule.keys())})`
        : emptyStatement
      : stmt`and key in (${keyList(cancel)})`;
    parts.push(stmt`cancelled_timers as (
      update thread_timers set status = 'cancelled'
      where thread_id = ${thread.id} and status = 'pending' ${which} and exists (select 1 from upd))`);
  }
  if (schedule.size > 0) {
    const rows = [...schedule].map(
      ([key, at]) => stmt`(${newId("threadTimer")}, ${key}, ${at}::text::timestamptz)`,
    );
    parts.push(stmt`scheduled_timers as (
      insert into thread_timers (id, company_id, thread_id, key, due_at)
      select v.id, ${thread.companyId}, upd.id, v.key, v.due_at
      from upd cross join (values ${joinStatements(rows)}) as v(id, key, due_at)
      on conflict (thread_id, key) do update
        set due_at = excluded.due_at, status = 'pending', attempts = 0, fired_at = null, last_error = null)`);
  }
  return parts;
}

/**
 * The thread's next pending timer once this change is in: the statement's own sub-queries
 * see the rows as they were before it, so the timers it touches are left out of the read
 * and their new times added.
 */
function nextTimerAt(threadId: string, effects: readonly ThreadEffect[]): Statement {
  const { schedule, cancel, cancelAll } = foldTimers(effects);
  const touched = new Set([...schedule.keys(), ...cancel]);
  const untouched = cancelAll
    ? stmt`null::timestamptz`
    : stmt`(select min(due_at) from thread_timers where thread_id = ${threadId} and status = 'pending'${
        touched.size > 0 ? stmt` and key not in (${keyList(touched)})` : emptyStatement
      })`;
  if (schedule.size === 0) {
    return untouched;
  }
  const scheduled = [...schedule.values()].map((at) => stmt`${at}::text::timestamptz`);
  return stmt`least(${untouched}, ${joinStatements(scheduled)})`;
}
