/**
 * /v1/tasks/:id/runs: start a round of attempts (each executor × count becomes a run, queued in
 * D1, then handed to the task's TaskRoom) and list the task's runs.
 */
import { Hono } from 'hono';
import { CreateRunsRequest, LIMITS } from '../../../protocol/src/index.ts';
import type { Db } from '../db/client.ts';
import { getDb } from '../db/client.ts';
import { toMessage, toRun } from '../db/mappers.ts';
import { getModelProfile } from '../db/queries/model-profiles.ts';
import { getRepo } from '../db/queries/repos.ts';
import { failRuns, insertRound, listRuns } from '../db/queries/runs.ts';
import { getTask, latestUserMessage } from '../db/queries/tasks.ts';
import type { MessageRow } from '../db/rows.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { callDurable, taskRoomStub } from '../lib/durable.ts';
import { badRequest, HttpError, notFound } from '../lib/errors.ts';
import type { ResolvedAttempt } from '../lib/run-plan.ts';
import { GATEWAY_PATHS, planRound } from '../lib/run-plan.ts';
import { jsonBody } from '../lib/validate.ts';
import { userMessage } from './tasks.ts';

async function resolveAttempts(db: Db, userId: string, attempts: CreateRunsRequest['attempts']): Promise<ResolvedAttempt[]> {
  const total = attempts.reduce((n, a) => n + a.count, 0);
  if (total > LIMITS.maxAttemptsPerRound) {
    throw badRequest(`attempts: ${total} runs requested; at most ${LIMITS.maxAttemptsPerRound} per round`);
  }
  const out: ResolvedAttempt[] = [];
  for (const [i, a] of attempts.entries()) {
    if (a.executor === 'patch-agent' && !a.modelProfileId) throw badRequest(`attempts.${i}.modelProfileId: required for patch-agent`);
    const profile = a.modelProfileId ? await getModelProfile(db, userId, a.modelProfileId) : undefined;
    if (a.modelProfileId && !profile) throw notFound(`model profile ${a.modelProfileId}`);
    if (a.executor === 'patch-agent' && profile && !GATEWAY_PATHS[profile.provider]) {
      throw new HttpError(400, 'unsupported_provider', `attempts.${i}: the patch agent cannot use provider ${profile.provider} yet`);
    }
    out.push({ executor: a.executor, profile: profile ?? null, count: a.count });
  }
  return out;
}

export const taskRunRoutes = new Hono<AppEnv>()
  .post('/:id/runs', requireUser, jsonBody(CreateRunsRequest), idempotent(), async (c) => {
    const db = getDb(c.env.DB);
    const user = c.get('user');
    const task = await getTask(db, user.id, c.req.param('id'));
    if (!task) throw notFound('task');
    const body = c.req.valid('json');
    const attempts = await resolveAttempts(db, user.id, body.attempts);
    const repo = await getRepo(db, user.id, task.repoId);
    if (!repo) throw notFound('repo');
    const now = Date.now();
    const fresh = body.message !== undefined ? userMessage(task.id, body.message, now) : null;
    const message: MessageRow | undefined = fresh ?? await latestUserMessage(db, task.id);
    if (!message) throw badRequest('message: the task has no instruction yet; send one');

    const { rows, newRuns } = planRound({
      taskId: task.id, messageId: message.id, instruction: message.content,
      repo: { cloneUrl: repo.cloneUrl, baseRef: task.baseRef }, attempts, now,
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
