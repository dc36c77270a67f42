import { toAppError } from "../domain/errors.js";
import { applyThreadEvent } from "./apply-thread-event.js";
import { retryDelayMs } from "./backoff.js";
import { normalizeInbound } from "./normalize-inbound.js";
import type { Clock, Logger, NewInboundEvent, PipelineStore } from "./ports.js";

/**
 * Handles a stored event that does not go to a thread machine (e.g. a QuickBooks change
 * notice, which triggers a sync). Runs outside any database transaction, since it calls
 * providers; it must be idempotent, as a crash before the processed mark repeats it.
 */
export type InboundHandler = (payload: unknown) => Promise<{ rejected: string } | undefined>;

export interface InboundDeps {
  store: PipelineStore;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
  handlers?: Record<string, InboundHandler>;
}

export type InboundOutcome =
  | { status: "processed"; threadId: string; state: string; version: number }
  | { status: "handled" }
  | { status: "duplicate"; id: string }
  | { status: "skipped" }
  | { status: "rejected"; reason: string }
  | { status: "retry" | "failed"; error: string };

/** Store-then-process: a redelivered event (same provider id) is recognised and ignored. */
export async function receiveInboundEvent(
  deps: InboundDeps,
  event: Omit<NewInboundEvent, "receivedAt">,
): Promise<InboundOutcome & { id?: string }> {
  const recorded = await deps.store.recordInbound({ ...event, receivedAt: deps.clock.now() });
  if (recorded.duplicate) {
    return { status: "duplicate", id: recorded.id };
  }
  return {
    ...(await processInboundEvent(deps, recorded.id, {
      type: event.type,
      payload: event.payload,
    })),
    id: recorded.id,
  };
}

/**
 * Applies one stored event in one transaction. Bad input is rejected with its reason and
 * never retried; other failures roll everything back and are retried with backoff, then
 * dead-lettered.
 */
export async function processInboundEvent(
  deps: InboundDeps,
  id: string,
  /**
   * The event as just stored, when the caller has it: a type with no handler skips the
   * handler lookup, and a handler gets the payload without reading it back.
   */
  fresh?: { type: string; payload: unknown },
): Promise<InboundOutcome> {
  const now = deps.clock.now();
  try {
    const handled =
      fresh === undefined || deps.handlers?.[fresh.type]
        ? await runHandler(deps, id, now, fresh)
        : null;
    if (handled) {
      return handled;
    }
    return await deps.store.inTransaction(async (uow): Promise<InboundOutcome> => {
      const stored = await uow.claimInboundEvent(id);
      if (!stored) {
        return { status: "skipped" };
      }
      const normalized = normalizeInbound(stored);
      if (!normalized.ok) {
        await uow.markInboundRejected(id, normalized.reason, now);
        deps.logger.warn(
          { inboundEventId: id, type: stored.type, reason: normalized.reason },
          "inbound event rejected",
        );
        return { status: "rejected", reason: normalized.reason };
      }
      const thread = await uow.lockThread(normalized.key);
      const input = await uow.threadInput(normalized.key);
      const applied = await applyThreadEvent(
        uow,
        thread,
        input,
        normalized.event,
        { at: now, causationId: id },
        normalized.message,
      );
      await uow.markInboundProcessed(id, applied.threadId, now);
      return {
        status: "processed",
        threadId: applied.threadId,
        state: applied.state,
        version: applied.version,
      };
    });
  } catch (thrown) {
    const error = toAppError(thrown);
    if (!error.retryable) {
      await deps.store.inTransaction((uow) => uow.markInboundRejected(id, error.message, now));
      deps.logger.error(
        { inboundEventId: id, code: error.code, err: error.message },
        "inbound event rejected",
      );
      return { status: "rejected", reason: error.message };
    }
    const outcome = await deps.store.recordInboundFailure(id, error.message, now, {
      maxAttempts: deps.maxAttempts,
      retryDelayMs,
    });
    deps.logger.warn({ inboundEventId: id, err: error.message, outcome }, "inbound event failed");
    return { status: outcome, error: error.message };
  }
}

async function runHandler(
  deps: InboundDeps,
  id: string,
  now: Date,
  fresh?: { type: string; payload: unknown },
): Promise<InboundOutcome | null> {
  if (!deps.handlers) {
    return null;
  }
  // A just-stored event is pending by construction; a retried one is read back first.
  const stored = fresh ?? (await deps.store.inTransaction((uow) => uow.claimInboundEvent(id)));
  const handler = stored ? deps.handlers[stored.type] : undefined;
  if (!stored || !handler) {
    return null;
  }
  const result = await handler(stored.payload);
  return deps.store.inTransaction(async (uow): Promise<InboundOutcome> => {
    if (!(await uow.claimInboundEvent(id))) {
      return { status: "skipped" };
    }
    if (result) {
      await uow.markInboundRejected(id, result.rejected, now);
      deps.logger.info(
        { inboundEventId: id, type: stored.type, reason: result.rejected },
        "inbound event not applied",
      );
      return { status: "rejected", reason: result.rejected };
    }
    await uow.markInboundProcessed(id, null, now);
    return { status: "handled" };
  });
}
