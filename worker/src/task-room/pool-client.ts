/**
 * TaskRoom's side of the RunnerPool contract: offer queued runs, withdraw cancelled ones. A run
 * is queued with `offer_retry_at` set (run-lifecycle.ts); a successful offer clears it, a failed
 * one leaves it for the alarm to retry, so a run is never stuck queued outside the pool.
 */
import type { Env } from '../env.ts';
import type { Room } from './room.ts';
import { getMeta } from './schema.ts';
import { getRun, updateRun } from './run-store.ts';

/** Runs go to the `default` pool until tasks can choose one. */
export const DEFAULT_POOL = 'default';

export function poolStub(env: Env) {
  return env.RUNNER_POOL.get(env.RUNNER_POOL.idFromName(DEFAULT_POOL));
}

/** Offer each still-queued run to the pool, in order (the pool is FIFO). */
export async function offerRuns(room: Room, runIds: readonly string[]): Promise<void> {
  const taskId = getMeta(room.sql, 'task_id');
  if (!taskId) return;
  for (const runId of runIds) {
    const run = getRun(room.sql, runId);
    if (!run || run.status !== 'queued') continue;
    try {
      await poolStub(room.env).offer({ runId, taskId, executor: run.spec.executor.id });
    } catch (err) {
      console.error('task-room: offer to pool failed; the alarm retries', runId, String(err));
      continue;
    }
    const now = getRun(room.sql, runId);
    if (now && now.offerRetryAt !== null) updateRun(room.sql, now, { offerRetryAt: null }, { sync: false });
  }
}

export async function withdrawRun(room: Room, runId: string): Promise<void> {
  try {
    await poolStub(room.env).withdraw(runId);
  } catch (err) {
    // Harmless: a claim of a cancelled run returns null and the pool drops the offer.
    console.error('task-room: withdraw from pool failed', runId, String(err));
  }
}
