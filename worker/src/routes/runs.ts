/**
 * /v1/runs/:id: one run with its patch, cancel, and the runner's run socket
 * (`/stream?assignment=N`, runner credential) forwarded to the run's TaskRoom.
 */
import { Hono } from 'hono';
import type { RunStatus } from '../../../protocol/src/index.ts';
import { isTerminal } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toRun } from '../db/mappers.ts';
import { getRunById, getUserRun } from '../db/queries/runs.ts';
import { requireRunner, requireUser } from '../middleware/auth.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { callDurable, taskRoomStub } from '../durable/stubs.ts';
import { notFound } from '../lib/errors.ts';
import { HEADER_RUNNER_ID } from '../lib/internal-headers.ts';
import { internalUpgrade, intParam, requireUpgrade } from '../lib/upgrade.ts';

export const runRoutes = new Hono<AppEnv>()
  .get('/:id', requireUser, async (c) => {
    const run = await getUserRun(getDb(c.env.DB), c.get('user').id, c.req.param('id'));
    if (!run) throw notFound('run');
    return c.json({ run: toRun(run, { withPatch: true }) });
  })
  .post('/:id/cancel', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const run = await getUserRun(db, c.get('user').id, c.req.param('id'));
    if (!run) throw notFound('run');
    if (isTerminal(run.status as RunStatus)) return c.json({ run: toRun(run) });
    const status = await callDurable('task room', () => taskRoomStub(c.env, run.taskId).cancelRun(run.id));
    const fresh = (await getRunById(db, run.id)) ?? run;
    // TaskRoom is the authority on live status; D1 may lag its write-back by a moment.
    return c.json({ run: { ...toRun(fresh), status } });
  })
  .get('/:id/stream', requireRunner, async (c) => {
    const assignment = intParam(c.req.query('assignment'), 'assignment', null, 1);
    const run = await getRunById(getDb(c.env.DB), c.req.param('id'));
    if (!run) throw notFound('run');
    requireUpgrade(c);
    const url = `https://task-room/run-stream?runId=${encodeURIComponent(run.id)}&assignment=${assignment}`;
    const req = internalUpgrade(c.req.raw, url, { [HEADER_RUNNER_ID]: c.get('runner').id });
    return callDurable('task room', () => taskRoomStub(c.env, run.taskId).fetch(req));
  });
