/** Hono environment shared by every route: Worker bindings and what the auth middleware sets. */
import type { Env } from '../env.ts';
import type { RunnerRow, UserRow } from '../db/rows.ts';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    user: UserRow;
    /** How the user authenticated; logout only ends cookie sessions. */
    authKind: 'session' | 'token';
    runner: RunnerRow;
  };
}
