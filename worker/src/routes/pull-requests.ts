/**
 * /v1/tasks/:id/pr…: the task's pull request (get, draft, create or link, update from an
 * attempt, refresh) and the winner choice. The work is in github/pr-service.ts.
 */
import { Hono } from 'hono';
import {
  ChooseWinnerRequest, CreatePullRequestRequest, PullRequestDraftRequest, UpdatePullRequestRequest,
} from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toTask } from '../db/mappers.ts';
import { getTaskPr } from '../db/queries/pull-requests.ts';
import { getTask, setWinner } from '../db/queries/tasks.ts';
import { createPr, draftPr, pushedRun, refreshPr, toPullRequest, updatePrFromRun } from '../github/pr-service.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { notFound } from '../lib/errors.ts';
import { jsonBody } from '../lib/validate.ts';
import type { Context } from 'hono';

async function ownTask(c: Context<AppEnv>) {
  const db = getDb(c.env.DB);
  const task = await getTask(db, c.get('user').id, c.req.param('id') ?? '');
  if (!task) throw notFound('task');
  return { db, task };
}

export const pullRequestRoutes = new Hono<AppEnv>()
  .get('/:id/pr', requireUser, async (c) => {
    const { db, task } = await ownTask(c);
    const pr = await getTaskPr(db, task.id);
    return c.json({ pr: pr ? await toPullRequest(db, pr) : null });
  })
  .post('/:id/pr/draft', requireUser, jsonBody(PullRequestDraftRequest), async (c) => {
    const { db, task } = await ownTask(c);
    return c.json({ draft: await draftPr(c.env, db, task, c.req.valid('json').runId) });
  })
  .post('/:id/pr', requireUser, jsonBody(CreatePullRequestRequest), idempotent(), async (c) => {
    const { db, task } = await ownTask(c);
    const { created, ...res } = await createPr(c.env, db, task, c.req.valid('json'));
    return c.json(res, created ? 201 : 200);
  })
  .post('/:id/pr/update', requireUser, jsonBody(UpdatePullRequestRequest), async (c) => {
    const { db, task } = await ownTask(c);
    return c.json(await updatePrFromRun(c.env, db, task, c.req.valid('json')));
  })
  .post('/:id/pr/refresh', requireUser, async (c) => {
    const { db, task } = await ownTask(c);
    return c.json({ pr: await refreshPr(c.env, db, task) });
  })
  .post('/:id/winner', requireUser, jsonBody(ChooseWinnerRequest), async (c) => {
    const { db, task } = await ownTask(c);
    const run = await pushedRun(db, task, c.req.valid('json').runId);
    await setWinner(db, task.id, run.id);
    return c.json({ task: toTask({ ...task, winnerRunId: run.id }) });
  });
