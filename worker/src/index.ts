/**
 * Worker entry: /v1/* goes to the Hono app; anything else is the web app's static assets
 * (wrangler.toml serves those before the Worker runs; this is the fallback path). Also exports
 * the Durable Object classes.
 */
import { app } from './app.ts';
import type { Env } from './env.ts';

export { TaskRoom } from './task-room/task-room.ts';
export { RunnerPool } from './runner-pool/runner-pool.ts';
export { UserFeed } from './user-feed/user-feed.ts';

export default {
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === '/v1' || pathname.startsWith('/v1/')) return app.fetch(request, env, ctx);
    return env.ASSETS.fetch(request);
  },
} satisfies ExportedHandler<Env>;
