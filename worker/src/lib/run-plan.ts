/**
 * Turns one round of attempts into D1 run rows and the NewRun list handed to TaskRoom.
 * Pure: ids, attempt numbers (1..n across the request; `insertRound` moves them past the attempts
 * the round's message already has), branches `dursor/<task>/<run>`, executor
 * specs pointing at the LLM gateway path of the profile's provider, default limits, the budget,
 * and for a follow-up the parent run (its branch is the base; an attempt on the parent's own
 * executor resumes the parent's agent session).
 */
import { LIMITS } from '../../../protocol/src/index.ts';
import type { AttemptSandbox, Assignment, ExecutorId, ExecutorSpec, Provider } from '../../../protocol/src/index.ts';
import type { ModelProfileRow, RunRow } from '../db/rows.ts';
import { FAMILY_PATHS, familyOf } from '../gateway/families.ts';
import type { NewRun } from '../task-room/types.ts';
import { newId } from './ids.ts';

/** Providers the Worker's LLM gateway serves, and where (relative to the Worker URL). */
export const GATEWAY_PATHS: Partial<Record<Provider, string>> = {
  openai: FAMILY_PATHS.openai,
  'openai-compatible': FAMILY_PATHS.openai,
  anthropic: FAMILY_PATHS.anthropic,
  google: FAMILY_PATHS.google,
};

export interface ResolvedAttempt {
  executor: ExecutorId;
  profile: ModelProfileRow;
  count: number;
}

/** The run a follow-up continues. */
export interface ParentRun {
  id: string;
  branch: string;
  executor: ExecutorId;
  agentSession: string | null;
}

export interface RoundInput {
  taskId: string;
  messageId: string;
  instruction: string;
  /** The conversation before `instruction`, oldest first. */
  history: Assignment['history'];
  repo: { cloneUrl: string; baseRef: string; credentials: 'none' | 'worker' };
  /** The repository's sandbox settings, when it has any beyond the runners' defaults. */
  sandbox?: AttemptSandbox | null;
  /** The repository lets its runs change `.github/workflows/` (issue 11). */
  allowWorkflowChanges?: boolean;
  attempts: ResolvedAttempt[];
  budgetMicros: number | null;
  parent: ParentRun | null;
  /** The run a retry retries (recorded on the new run). */
  retryOfRunId: string | null;
  now: number;
}

export function executorSpec(executor: ExecutorId, profile: ModelProfileRow, resumeSession?: string | null): ExecutorSpec {
  const gatewayPath = GATEWAY_PATHS[profile.provider];
  return {
    id: executor, provider: profile.provider, model: profile.model,
    ...(gatewayPath ? { gatewayPath } : {}),
    ...(familyOf(profile.provider) === 'openai' && profile.wireApi ? { wireApi: profile.wireApi } : {}),
    ...(resumeSession ? { resumeSession } : {}),
  };
}

export const branchName = (taskId: string, runId: string): string => `dursor/${taskId}/${runId}`;

export function planRound(input: RoundInput): { rows: RunRow[]; newRuns: NewRun[] } {
  const rows: RunRow[] = [];
  const newRuns: NewRun[] = [];
  const { parent } = input;
  const repo = parent ? { ...input.repo, baseRef: parent.branch } : input.repo;
  let attempt = 0;
  for (const a of input.attempts) {
    const resume = parent && parent.executor === a.executor ? parent.agentSession : null;
    for (let i = 0; i < a.count; i++) {
      attempt += 1;
      const runId = newId();
      const branch = branchName(input.taskId, runId);
      rows.push({
        id: runId, taskId: input.taskId, messageId: input.messageId, executor: a.executor,
        modelProfileId: a.profile.id, attempt, status: 'queued', branch,
        baseCommit: null, headCommit: null, filesChanged: 0, additions: 0, deletions: 0, files: '[]',
        patch: null, summary: null, error: null, runnerId: null, retries: 0,
        parentRunId: parent?.id ?? null, retryOfRunId: input.retryOfRunId, agentSession: null, budgetMicros: input.budgetMicros,
        inputTokens: 0, outputTokens: 0, costMicros: 0, firstTokenAt: null,
        createdAt: input.now, startedAt: null, finishedAt: null, updatedAt: input.now,
      });
      newRuns.push({
        runId, attempt, branch, instruction: input.instruction, history: input.history, repo,
        executor: executorSpec(a.executor, a.profile, resume),
        limits: { maxTurns: LIMITS.defaultMaxTurns, maxTokens: LIMITS.defaultMaxTokens, maxFileBytes: LIMITS.defaultMaxFileBytes },
        ...(input.sandbox ? { sandbox: input.sandbox } : {}),
        ...(input.allowWorkflowChanges ? { allowWorkflowChanges: true } : {}),
      });
    }
  }
  return { rows, newRuns };
}
