/**
 * Budgets per run and per task (issue 3): before a call is forwarded, a run or task whose recorded
 * cost has reached its budget is refused; after a call is recorded, one that reached a budget is
 * reported too. Either way TaskRoom is told (`budgetExceeded`), which stops the run and ends it
 * `failed: budget exceeded: …`. The check is soft by one call: parallel calls of one run may all
 * pass the check before any is recorded.
 */
import type { Spend } from '../db/queries/usage.ts';
import type { Env } from '../env.ts';
import { taskRoomStub } from '../durable/stubs.ts';
import { formatUsd } from './pricing.ts';

export function overBudget(run?: Spend, task?: Spend): string | null {
  if (run && run.budgetMicros !== null && run.costMicros >= run.budgetMicros) {
    return `run spent ${formatUsd(run.costMicros)} of its ${formatUsd(run.budgetMicros)} budget`;
  }
  if (task && task.budgetMicros !== null && task.costMicros >= task.budgetMicros) {
    return `task spent ${formatUsd(task.costMicros)} of its ${formatUsd(task.budgetMicros)} budget`;
  }
  return null;
}

/** Tell the run's TaskRoom; never throws (the refusal or the recorded call stands regardless). */
export async function notifyBudget(env: Env, taskId: string, runId: string, reason: string): Promise<void> {
  try {
    await taskRoomStub(env, taskId).budgetExceeded(runId, reason);
  } catch (err) {
    console.error('llm gateway: could not tell the task room about a budget:', taskId, runId, err instanceof Error ? err.message : String(err));
  }
}
