/**
 * Retrying one attempt (pure, unit-tested): the request that starts one new attempt with the same
 * agent, model profile, parent and budget, answering the same message — or why it cannot. The
 * API has no "answer message X": a request without `message` answers the task's latest user
 * message, so only attempts at that message can be retried this way.
 */
import type { CreateRunsRequest, Message, Run } from '../../../protocol/src/index.ts';

export type RetryPlan = { ok: true; body: CreateRunsRequest } | { ok: false; reason: string };

export function canRetry(status: Run['status']): boolean {
  return status === 'failed' || status === 'cancelled';
}

export function latestUserMessageId(messages: readonly Pick<Message, 'id' | 'role'>[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].id;
  return null;
}

/** `profileIds` null: the profiles are not loaded yet (the API then says if one is gone). */
export function retryPlan(
  run: Pick<Run, 'executor' | 'modelProfileId' | 'parentRunId' | 'budgetUsd' | 'messageId'>,
  latestMessageId: string | null,
  profileIds: readonly string[] | null,
): RetryPlan {
  if (!run.modelProfileId || (profileIds && !profileIds.includes(run.modelProfileId))) {
    return { ok: false, reason: 'Its model profile was removed; start a new attempt from the follow-up box.' };
  }
  if (latestMessageId !== null && run.messageId !== latestMessageId) {
    return { ok: false, reason: 'A newer message was sent since; send a follow-up to try again.' };
  }
  return {
    ok: true,
    body: {
      attempts: [{ executor: run.executor, modelProfileId: run.modelProfileId, count: 1 }],
      ...(run.parentRunId ? { parentRunId: run.parentRunId } : {}),
      ...(run.budgetUsd !== null ? { budgetUsd: run.budgetUsd } : {}),
    },
  };
}
