/** /v1/tasks/:id/live?after=N: the viewer socket, authorised here and served by the task's TaskRoom. */
import { Hono } from 'hono';
import { getDb } from '../db/client.ts';
import { getTask } from '../db/queries/tasks.ts';
import { requireUser } from '../middleware/auth.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { callDurable, taskRoomStub } from '../durable/stubs.ts';
import { notFound } from '../lib/errors.ts';
import { HEADER_USER_ID } from '../lib/internal-headers.ts';
import { internalUpgrade, intParam, requireUpgrade } from '../lib/upgrade.ts';

export const taskLiveRoutes = new Hono<AppEnv>()
  .get('/:id/live', requireUser, async (c) => {
    const after = intParam(c.req.query('after'), 'after', 0);
    const user = c.get('user');
    const task = await getTask(getDb(c.env.DB), user.id, c.req.param('id'));
    if (!task) throw notFound('task');
    requireUpgrade(c);
    const req = internalUpgrade(c.req.raw, `https://task-room/live?after=${after}`, { [HEADER_USER_ID]: user.id });
    return callDurable('task room', () => taskRoomStub(c.env, task.id).fetch(req));
  });
