/**
 * Route guards (docs/architecture.md §7). requireUser: a signed-in user or API token; a runner credential is
 * refused with 403 (it opens only runner routes). requireOwner: additionally the owner role.
 * requireRunner: a runner credential, for the run socket and git credentials (the pool socket
 * admits its runner itself: routes/runners.ts, lib/runner-credential.ts).
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/app-env.ts';
import { identify } from '../lib/credentials.ts';
import { HttpError } from '../lib/errors.ts';

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const caller = await identify(c);
  if (caller.kind === 'runner') throw new HttpError(403, 'forbidden', 'a runner credential cannot be used on user routes');
  if (caller.kind === 'none') throw new HttpError(401, 'unauthorized', caller.reason);
  c.set('user', caller.user);
  c.set('authKind', caller.via);
  await next();
});

/** Use after requireUser. */
export const requireOwner = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('user').role !== 'owner') throw new HttpError(403, 'forbidden', 'only the owner can do this');
  await next();
});

export const requireRunner = createMiddleware<AppEnv>(async (c, next) => {
  const caller = await identify(c);
  if (caller.kind !== 'runner') {
    throw new HttpError(401, 'unauthorized', 'runner routes need Authorization: Bearer <runner credential (drc_…)>');
  }
  c.set('runner', caller.runner);
  await next();
});
