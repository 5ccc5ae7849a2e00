/** Bindings and vars of the dursor Worker (see wrangler.toml). */
import type { TaskRoom } from './task-room/task-room.ts';
import type { RunnerPool } from './runner-pool/runner-pool.ts';
import type { UserFeed } from './user-feed/user-feed.ts';

export interface Env {
  DB: D1Database;
  TASK_ROOM: DurableObjectNamespace<TaskRoom>;
  RUNNER_POOL: DurableObjectNamespace<RunnerPool>;
  USER_FEED: DurableObjectNamespace<UserFeed>;
  ASSETS: Fetcher;
  /** "true" lets repo and model base URLs use http and loopback/private addresses (local development). */
  DURSOR_ALLOW_PRIVATE_URLS: string;
  /** Lease of an assigned run in ms, as a string var. */
  DURSOR_LEASE_MS: string;
  /** How long a queued run waits for a runner that offers its agent, in ms (default LIMITS.noRunnerWaitMs; tests shorten it). */
  DURSOR_NO_RUNNER_MS?: string;
  /** base64 of 32 random bytes: AES-GCM key for secrets at rest and HMAC key for run tokens. */
  DURSOR_ENCRYPTION_KEY: string;
  /**
   * Optional registration token for the `default` pool that needs no owner (`npm start` puts one in
   * .dev.vars so its local runner can register before anyone has signed in).
   */
  DURSOR_RUNNER_BOOTSTRAP_TOKEN?: string;
}

type DursorEnv = Env;
declare global {
  namespace Cloudflare {
    interface Env extends DursorEnv {
      /** Only in the Workers test pool: migrations read by worker/vitest.config.ts. */
      TEST_MIGRATIONS?: import('@cloudflare/vitest-pool-workers').D1Migration[];
    }
  }
}
