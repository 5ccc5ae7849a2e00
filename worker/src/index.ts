/** Worker entry: the Hono app under /v1 (static assets are served before the Worker) and the DO classes. */
import { app } from './app.ts';
import type { Env } from './env.ts';

export { TaskRoom } from './task-room/task-room.ts';
export { RunnerPool } from './runner-pool/runner-pool.ts';

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
