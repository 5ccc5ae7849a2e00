/**
 * /v1/tasks/:id/runs: start a round of attempts (each executor × count becomes a run, queued in
 * D1, then handed to the task's TaskRoom) and list the task's runs. Every attempt names a model
 * profile its executor can run on (EXECUTOR_PROVIDERS): the patch agent and the CLIs get their key
 * through the gateway, the Cursor agent straight from TaskRoom at claim time. A follow-up
 * (`parentRunId`) starts from the parent's branch and resumes its agent session where it can.
 */
import { Hono } from 'hono';
import { CreateRunsRequest, EXECUTOR_PROVIDERS, LIMITS } from '../../../protocol/src/index.ts';
import type { Assignment, ExecutorId } from '../../../protocol/src/index.ts';
import type { Db } from '../db/client.ts';
import { getDb } from '../db/client.ts';
import { toMessage, toRun } from '../db/mappers.ts';
import { getModelProfile } from '../db/queries/model-profiles.ts';
import { getRepo } from '../db/queries/repos.ts';
import { failRuns, getUserRun, insertRound, listRuns } from '../db/queries/runs.ts';
import { getTask, latestUserMessage, listMessages } from '../db/queries/tasks.ts';
import type { MessageRow } from '../db/rows.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { callDurable, taskRoomStub } from '../lib/durable.ts';
import { badRequest, HttpError, notFound } from '../lib/errors.ts';
import type { ParentRun, ResolvedAttempt } from '../lib/run-plan.ts';
import { planRound } from '../lib/run-plan.ts';
import { jsonBody } from '../lib/validate.ts';
import { userMessage } from './tasks.ts';

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

async function resolveParent(db: Db, userId: string, taskId: string, parentRunId: string | undefined): Promise<ParentRun | null> {
  if (parentRunId === undefined) return null;
  const run = await getUserRun(db, userId, parentRunId);
  if (!run || run.taskId !== taskId) throw notFound(`parent run ${parentRunId} in this task`);
  if (run.status !== 'succeeded' || !run.branch) {
    throw new HttpError(400, 'invalid_parent_run', `parentRunId: run ${run.id} is ${run.status}; only a succeeded run with a branch can be continued`);
  }
  return { id: run.id, branch: run.branch, executor: run.executor as ExecutorId, agentSession: run.agentSession };
}

/** The conversation before the instruction: user and assistant messages, oldest first, content only. */
async function historyBefore(db: Db, taskId: string, instruction: MessageRow | null): Promise<Assignment['history']> {
  const all = await listMessages(db, taskId);
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

export const taskRunRoutes = new Hono<AppEnv>()
  .post('/:id/runs', requireUser, jsonBody(CreateRunsRequest), idempotent(), async (c) => {
    const db = getDb(c.env.DB);
    const user = c.get('user');
    const task = await getTask(db, user.id, c.req.param('id'));
    if (!task) throw notFound('task');
    const body = c.req.valid('json');
    const attempts = await resolveAttempts(db, user.id, body.attempts);
    const parent = await resolveParent(db, user.id, task.id, body.parentRunId);
    const repo = await getRepo(db, user.id, task.repoId);
    if (!repo) throw notFound('repo');
    const now = Date.now();
    const fresh = body.message !== undefined ? userMessage(task.id, body.message, now) : null;
    const message: MessageRow | undefined = fresh ?? await latestUserMessage(db, task.id);
    if (!message) throw badRequest('message: the task has no instruction yet; send one');
    // A fresh message is not stored yet: everything stored comes before it.
    const history = await historyBefore(db, task.id, fresh ? null : message);

    const { rows, newRuns } = planRound({
      taskId: task.id, messageId: message.id, instruction: message.content, history,
      repo: { cloneUrl: repo.cloneUrl, baseRef: task.baseRef }, attempts, now, parent,
      budgetMicros: body.budgetUsd === undefined ? null : Math.round(body.budgetUsd * 1e6),
    });
    await insertRound(db, task.id, now, fresh, rows);
    try {
      await callDurable('task room', () => taskRoomStub(c.env, task.id).createRuns(task.id, newRuns));
    } catch (err) {
      // Nothing will ever pick these runs up: say so in D1 rather than leave them queued.
      await failRuns(db, rows.map((r) => r.id), 'the task room could not accept the run', Date.now());
      throw err;
    }
    return c.json({ runs: rows.map((r) => toRun(r)), message: toMessage(message) }, 201);
  })
  .get('/:id/runs', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const task = await getTask(db, c.get('user').id, c.req.param('id'));
    if (!task) throw notFound('task');
    return c.json({ runs: (await listRuns(db, task.id)).map((r) => toRun(r)) });
  });
