import type { Queryable } from "../client.js";
import { outbox, tasks } from "../schema/index.js";

// A staff task raised outside a machine step (a refund or card dispute, a landline): the task
// row and the `notifyStaff` outbox row that posts it to Slack, in the caller's transaction.
// (A machine's own notifyStaff effects are written by thread-change-sql.ts with the rest of
// the step.)

export async function insertStaffTask(
  tx: Queryable,
  task: {
    companyId: string;
    threadId: string | null;
    reason: string;
    text: string;
    at: Date;
    /** Kept on the task beside its reason and text. */
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const [created] = await tx
    .insert(tasks)
    .values({
      companyId: task.companyId,
      threadId: task.threadId,
      reason: task.reason,
      details: { reason: task.reason, text: task.text, ...task.details },
    })
    .returning({ id: tasks.id });
  await tx.insert(outbox).values({
    companyId: task.companyId,
    threadId: task.threadId,
    effectType: "notifyStaff",
    payload: { reason: task.reason, text: task.text, taskId: created?.id },
    availableAt: task.at,
    createdAt: task.at,
  });
}
