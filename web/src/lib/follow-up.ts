/**
 * Follow-up form logic (pure, unit-tested): which attempt a follow-up continues from (the
 * winner, else the only successful attempt), the attempts it suggests (the parent's agent and
 * model × 1), and an idempotency key that survives a retry of the same round.
 */
import type { ModelProfile, Run, Task } from '../../../protocol/src/index.ts';
import { newIdempotencyKey } from './api.ts';
import type { AttemptRow } from './new-task.ts';
import { profilesFor } from './new-task.ts';

export function defaultParentId(task: Pick<Task, 'winnerRunId'>, runs: Pick<Run, 'id' | 'status'>[]): string | null {
  if (task.winnerRunId && runs.some((r) => r.id === task.winnerRunId)) return task.winnerRunId;
  const ok = runs.filter((r) => r.status === 'succeeded');
  return ok.length === 1 ? ok[0].id : null;
}

/** One row: the parent's agent on its model when that profile still exists, else the agent's first usable model. */
export function followUpRows(
  parent: Pick<Run, 'executor' | 'modelProfileId'> | null,
  profiles: Pick<ModelProfile, 'id' | 'provider'>[],
  key: number,
): AttemptRow[] {
  const executor = parent?.executor ?? 'patch-agent';
  const usable = profilesFor(executor, profiles);
  const modelProfileId = usable.find((p) => p.id === parent?.modelProfileId)?.id ?? usable[0]?.id ?? '';
  return [{ key, executor, modelProfileId, count: 1 }];
}

/** The same fields keep the same key (a retry makes one round); other fields get a new one. */
export type KeyedSubmission = { fields: string; key: string };

export function keyFor(prev: KeyedSubmission | null, fields: string): KeyedSubmission {
  return prev && prev.fields === fields ? prev : { fields, key: newIdempotencyKey() };
}
