/**
 * Retrying one attempt (pure, unit-tested): the request that starts one new attempt with the same
 * agent, model profile, parent and budget, answering the same message (`messageId`, so an
 * attempt of an earlier round answers its own instruction, not the latest) and naming the run it
 * retries (`retryOfRunId`: the API gives it the next attempt number of that round) — or why it
 * cannot.
 */
import type { CreateRunsRequest, Run } from '../../../protocol/src/index.ts';

export type RetryPlan = { ok: true; body: CreateRunsRequest } | { ok: false; reason: string };

export function canRetry(status: Run['status']): boolean {
  return status === 'failed' || status === 'cancelled';
}

/** `profileIds` null: the profiles are not loaded yet (the API then says if one is gone). */
export function retryPlan(
  run: Pick<Run, 'id' | 'executor' | 'modelProfileId' | 'parentRunId' | 'budgetUsd' | 'messageId'>,
  profileIds: readonly string[] | null,
): RetryPlan {
  if (!run.modelProfileId || (profileIds && !profileIds.includes(run.modelProfileId))) {
    return { ok: false, reason: 'Its model profile was removed; start a new attempt from the follow-up box.' };
  }
  return {
    ok: true,
    body: {
      attempts: [{ executor: run.executor, modelProfileId: run.modelProfileId, count: 1 }],
      messageId: run.messageId,
      retryOfRunId: run.id,
      ...(run.parentRunId ? { parentRunId: run.parentRunId } : {}),
      ...(run.budgetUsd !== null ? { budgetUsd: run.budgetUsd } : {}),
    },
  };
}
