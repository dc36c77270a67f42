import { initialTransition, type SnapshotFrom } from "xstate";
import type { ThreadInput } from "./thread.context.js";
import { type ThreadMachine, threadMachine } from "./thread.machine.js";

// Snapshots are stored with the machine version that wrote them. When the machine changes
// shape, bump THREAD_MACHINE_VERSION and add a step to SNAPSHOT_MIGRATIONS that rewrites a
// persisted snapshot of the previous version into the new shape.

export const THREAD_MACHINE_VERSION = 1;

type PersistedSnapshot = Record<string, unknown>;

const SNAPSHOT_MIGRATIONS: Record<number, (snapshot: PersistedSnapshot) => PersistedSnapshot> = {};

export type ThreadSnapshot = SnapshotFrom<ThreadMachine>;

export class SnapshotVersionError extends Error {
  constructor(readonly version: number) {
    super(
      `Thread snapshot was written by machine version ${version}; this build knows versions 1..${THREAD_MACHINE_VERSION}`,
    );
    this.name = "SnapshotVersionError";
  }
}

/** Restores a persisted snapshot (any known version), or starts a new thread from `input`. */
export function restoreThread(
  persisted: PersistedSnapshot | null,
  version: number,
  input: ThreadInput,
): ThreadSnapshot {
  if (persisted === null) {
    return initialTransition(threadMachine, input)[0];
  }
  if (version < 1 || version > THREAD_MACHINE_VERSION) {
    throw new SnapshotVersionError(version);
  }
  let snapshot = persisted;
  for (let from = version; from < THREAD_MACHINE_VERSION; from++) {
    const step = SNAPSHOT_MIGRATIONS[from];
    if (!step) {
      throw new SnapshotVersionError(from);
    }
    snapshot = step(snapshot);
  }
  // Restoring is not a transition: no entry actions run, so nothing is re-sent here.
  return threadMachine.resolveState(snapshot as Parameters<ThreadMachine["resolveState"]>[0]);
}

export function persistThread(snapshot: ThreadSnapshot): PersistedSnapshot {
  return threadMachine.getPersistedSnapshot(snapshot) as unknown as PersistedSnapshot;
}

/** The top-level state name, e.g. `active` for `{ active: "awaitingPlanChoice" }`. */
export function topLevelState(snapshot: ThreadSnapshot): string {
  const value = snapshot.value;
  return typeof value === "string" ? value : (Object.keys(value)[0] ?? "unknown");
}
