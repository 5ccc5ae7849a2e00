/**
 * /v1/tasks/:id/runs: start a round of attempts (lib/rounds.ts) and list the task's runs.
 */
import { Hono } from 'hono';
import { CreateRunsRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toMessage, toRun } from '../db/mappers.ts';
import { listRuns } from '../db/queries/runs.ts';
import { getTask } from '../db/queries/tasks.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { notFound } from '../lib/errors.ts';
import { startRound } from '../lib/rounds.ts';
import { jsonBody } from '../lib/validate.ts';

export const taskRunRoutes = new Hono<AppEnv>()
  .post('/:id/runs', requireUser, jsonBody(CreateRunsRequest), idempotent(), async (c) => {
    const db = getDb(c.env.DB);
    const task = await getTask(db, c.get('user').id, c.req.param('id'));
    if (!task) throw notFound('task');
    const { rows, message } = await startRound(c.env, db, task, c.req.valid('json'));
    return c.json({ runs: rows.map((r) => toRun(r)), message: toMessage(message) }, 201);
  })
  .get('/:id/runs', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const task = await getTask(db, c.get('user').id, c.req.param('id'));
    if (!task) throw notFound('task');
    return c.json({ runs: (await listRuns(db, task.id)).map((r) => toRun(r)) });
  });
