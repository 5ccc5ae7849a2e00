/** /v1/live: the signed-in user's feed socket (every task's list row as it changes), served by their UserFeed. */
import { Hono } from 'hono';
import { requireUser } from '../middleware/auth.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { callDurable, userFeedStub } from '../durable/stubs.ts';
import { HEADER_USER_ID } from '../lib/internal-headers.ts';
import { internalUpgrade, requireUpgrade } from '../lib/upgrade.ts';

export const liveRoutes = new Hono<AppEnv>()
  .get('/', requireUser, async (c) => {
    requireUpgrade(c);
    const user = c.get('user');
    const req = internalUpgrade(c.req.raw, 'https://user-feed/connect', { [HEADER_USER_ID]: user.id });
    return callDurable('user feed', () => userFeedStub(c.env, user.id).fetch(req));
  });
