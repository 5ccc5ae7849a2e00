/**
 * Starting a round of attempts on a task — from the API (a new instruction or a follow-up) or
 * from a `@dursor` comment on the task's PR. Each executor × count becomes a run, queued in D1,
 * then handed to the task's TaskRoom. Every attempt names a model profile its executor can run on
 * (EXECUTOR_PROVIDERS). A follow-up (`parentRunId`) starts from the parent's branch (or from
 * `baseRef`, e.g. the PR branch) and resumes the parent's agent session where it can. A retry
 * (`retryOfRunId`) answers the retried run's message and is numbered after its round's attempts
 * (insertRound). Runs of a GitHub repo fetch their git credentials from the Worker.
 */
import { EXECUTOR_PROVIDERS, LIMITS } from '../../../protocol/src/index.ts';
import type { Assignment, CreateRunsRequest, ExecutorId } from '../../../protocol/src/index.ts';
import type { Db } from '../db/client.ts';
import { getModelProfile } from '../db/queries/model-profiles.ts';
import { getRepo } from '../db/queries/repos.ts';
import { getBudgetDefaults } from '../db/queries/user-settings.ts';
import { failRuns, getUserRun, insertRound } from '../db/queries/runs.ts';
import { listMessages } from '../db/queries/tasks.ts';
import type { MessageRow, RunRow, TaskRow } from '../db/rows.ts';
import type { Env } from '../env.ts';
import { callDurable, taskRoomStub } from '../durable/stubs.ts';
import { badRequest, HttpError, notFound } from './errors.ts';
import { newId } from './ids.ts';
import type { ParentRun, ResolvedAttempt } from './run-plan.ts';
import { planRound } from './run-plan.ts';

/** The user's message that starts a task or a round (the API's instruction, a follow-up, a `@dursor` comment). */
export function userMessage(taskId: string, content: string, now: number): MessageRow {
  return { id: newId(), taskId, role: 'user', content, runId: null, createdAt: now };
}

export interface RoundRequest {
  attempts: CreateRunsRequest['attempts'];
  message?: string;
  budgetUsd?: number;
  parentRunId?: string;
  /** Start from this branch instead of the parent's own (a PR branch others may have pushed to). */
  baseRef?: string;
  /** Answer this earlier user message instead of the latest one. */
  messageId?: string;
  /** A retry of this run of the task (one attempt; answers the run's message). */
  retryOfRunId?: string;
}

/** History beyond this many characters is cut from the oldest end (it rides in every assignment). */
const HISTORY_MAX_CHARS = 256 * 1024;

async function resolveAttempts(db: Db, userId: string, attempts: CreateRunsRequest['attempts']): Promise<ResolvedAttempt[]> {
  const total = attempts.reduce((n, a) => n + a.count, 0);
  if (total > LIMITS.maxAttemptsPerRound) {
    throw badRequest(`attempts: ${total} runs requested; at most ${LIMITS.maxAttemptsPerRound} per round`);
  }
  const out: ResolvedAttempt[] = [];
  for (const [i, a] of attempts.entries()) {
    const allowed = EXECUTOR_PROVIDERS[a.executor];
    if (!a.modelProfileId) {
      throw badRequest(`attempts.${i}.modelProfileId: required for ${a.executor} (a model profile of provider ${allowed.join(' or ')})`);
    }
    const profile = await getModelProfile(db, userId, a.modelProfileId);
    if (!profile) throw notFound(`model profile ${a.modelProfileId}`);
    if (!allowed.includes(profile.provider)) {
      throw new HttpError(400, 'incompatible_profile',
        `attempts.${i}: ${a.executor} cannot run on a ${profile.provider} model profile; it needs provider ${allowed.join(' or ')}`);
    }
    out.push({ executor: a.executor, profile, count: a.count });
  }
  return out;
}

async function resolveParent(db: Db, userId: string, taskId: string, parentRunId: string | undefined, baseRef?: string): Promise<ParentRun | null> {
  if (parentRunId === undefined) return null;
  const run = await getUserRun(db, userId, parentRunId);
  if (!run || run.taskId !== taskId) throw notFound(`parent run ${parentRunId} in this task`);
  if (run.status !== 'succeeded' || !run.branch) {
    throw new HttpError(400, 'invalid_parent_run', `parentRunId: run ${run.id} is ${run.status}; only a succeeded run with a branch can be continued`);
  }
  return { id: run.id, branch: baseRef ?? run.branch, executor: run.executor as ExecutorId, agentSession: run.agentSession };
}

/** The run a retry retries: one of this task's; the message it answers is the retried run's. */
async function resolveRetry(db: Db, userId: string, taskId: string, body: RoundRequest): Promise<RunRow | null> {
  if (body.retryOfRunId === undefined) return null;
  const run = await getUserRun(db, userId, body.retryOfRunId);
  if (!run || run.taskId !== taskId) throw notFound(`run ${body.retryOfRunId} in this task`);
  if (body.messageId !== undefined && body.messageId !== run.messageId) {
    throw badRequest(`messageId: a retry answers the message of the run it retries (${run.messageId})`);
  }
  return run;
}

/** The conversation before the instruction (all of it for a new one): user and assistant messages, oldest first, content only. */
function historyBefore(all: MessageRow[], instruction: MessageRow | null): Assignment['history'] {
  const cut = instruction ? all.findIndex((m) => m.id === instruction.id) : -1;
  const before = cut >= 0 ? all.slice(0, cut) : all;
  const out: Assignment['history'] = [];
  let size = 0;
  for (const m of before.reverse()) {
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    size += m.content.length;
    if (size > HISTORY_MAX_CHARS) break;
    out.push({ role: m.role, content: m.content });
  }
  return out.reverse();
}

export async function startRound(env: Env, db: Db, task: TaskRow, body: RoundRequest): Promise<{ rows: RunRow[]; message: MessageRow }> {
  const attempts = await resolveAttempts(db, task.userId, body.attempts);
  const parent = await resolveParent(db, task.userId, task.id, body.parentRunId, body.baseRef);
  const repo = await getRepo(db, task.userId, task.repoId);
  if (!repo) throw notFound('repo');
  const retryOf = await resolveRetry(db, task.userId, task.id, body);
  const now = Date.now();
  const fresh = body.message !== undefined ? userMessage(task.id, body.message, now) : null;
  const all = await listMessages(db, task.id);
  const messageId = body.messageId ?? retryOf?.messageId;
  const message: MessageRow | undefined = fresh ?? (messageId !== undefined
    ? all.find((m) => m.id === messageId && m.role === 'user')
    : all.findLast((m) => m.role === 'user'));
  if (!message && messageId !== undefined) throw notFound(`user message ${messageId} in this task`);
  if (!message) throw badRequest('message: the task has no instruction yet; send one');
  // A fresh message is not stored yet: everything stored comes before it.
  const history = historyBefore(all, fresh ? null : message);

  const planned = planRound({
    taskId: task.id, messageId: message.id, instruction: message.content, history,
    repo: { cloneUrl: repo.cloneUrl, baseRef: task.baseRef, credentials: repo.githubFullName ? 'worker' : 'none' },
    sandbox: repo.sandbox,
    allowWorkflowChanges: repo.allowWorkflowChanges,
    attempts, now, parent, retryOfRunId: retryOf?.id ?? null,
    budgetMicros: body.budgetUsd === undefined ? (await getBudgetDefaults(db, task.userId)).runMicros : Math.round(body.budgetUsd * 1e6),
  });
  // D1 numbers the attempts (after those the message already has); the room hears the same numbers.
  const numbers = await insertRound(db, task.id, now, fresh, planned.rows);
  const rows = planned.rows.map((r) => ({ ...r, attempt: numbers.get(r.id) ?? r.attempt }));
  const newRuns = planned.newRuns.map((r) => ({ ...r, attempt: numbers.get(r.runId) ?? r.attempt }));
  try {
    await callDurable('task room', () => taskRoomStub(env, task.id).createRuns(task.id, newRuns));
  } catch (err) {
    // Nothing will ever pick these runs up: say so in D1 rather than leave them queued.
    await failRuns(db, rows.map((r) => r.id), 'the task room could not accept the run', Date.now());
    throw err;
  }
  return { rows, message };
}
