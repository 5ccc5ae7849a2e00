/**
 * Turns one round of attempts into D1 run rows and the NewRun list handed to TaskRoom.
 * Pure: ids, attempt numbers (1..n across the round), branches `dursor/<task>/<run>`,
 * executor specs pointing at the LLM gateway, default limits.
 */
import { LIMITS } from '../../../protocol/src/index.ts';
import type { ExecutorId, ExecutorSpec, Provider } from '../../../protocol/src/index.ts';
import type { ModelProfileRow, RunRow } from '../db/rows.ts';
import type { NewRun } from '../task-room/types.ts';
import { newId } from './ids.ts';

/** Providers the Worker's LLM gateway serves, and where (relative to the Worker URL). */
export const GATEWAY_PATHS: Partial<Record<Provider, string>> = {
  openai: '/v1/llm/openai',
  'openai-compatible': '/v1/llm/openai',
};

export interface ResolvedAttempt {
  executor: ExecutorId;
  profile: ModelProfileRow | null;
  count: number;
}

export interface RoundInput {
  taskId: string;
  messageId: string;
  instruction: string;
  repo: { cloneUrl: string; baseRef: string };
  attempts: ResolvedAttempt[];
  now: number;
}

export function executorSpec(executor: ExecutorId, profile: ModelProfileRow | null): ExecutorSpec {
  if (!profile) return { id: executor };
  const gatewayPath = GATEWAY_PATHS[profile.provider];
  return { id: executor, provider: profile.provider, model: profile.model, ...(gatewayPath ? { gatewayPath } : {}) };
}

export const branchName = (taskId: string, runId: string): string => `dursor/${taskId}/${runId}`;

export function planRound(input: RoundInput): { rows: RunRow[]; newRuns: NewRun[] } {
  const rows: RunRow[] = [];
  const newRuns: NewRun[] = [];
  let attempt = 0;
  for (const a of input.attempts) {
    for (let i = 0; i < a.count; i++) {
      attempt += 1;
      const runId = newId();
      const branch = branchName(input.taskId, runId);
      rows.push({
        id: runId, taskId: input.taskId, messageId: input.messageId, executor: a.executor,
        modelProfileId: a.profile?.id ?? null, attempt, status: 'queued', branch,
        baseCommit: null, headCommit: null, filesChanged: 0, additions: 0, deletions: 0, files: '[]',
        patch: null, summary: null, error: null, runnerId: null, retries: 0,
        parentRunId: null, agentSession: null, budgetMicros: null,
        inputTokens: 0, outputTokens: 0, costMicros: 0, firstTokenAt: null,
        createdAt: input.now, startedAt: null, finishedAt: null, updatedAt: input.now,
      });
      newRuns.push({
        runId, attempt, branch, instruction: input.instruction, history: [], repo: input.repo,
        executor: executorSpec(a.executor, a.profile),
        limits: { maxTurns: LIMITS.defaultMaxTurns, maxTokens: LIMITS.defaultMaxTokens, maxFileBytes: LIMITS.defaultMaxFileBytes },
      });
    }
  }
  return { rows, newRuns };
}
