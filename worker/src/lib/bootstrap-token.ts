/**
 * DURSOR_RUNNER_BOOTSTRAP_TOKEN (optional var): a registration token for the `default` pool that
 * needs no owner, so `npm start` can register its local runner before anyone has signed in.
 * Unset or short values never match.
 */
import type { Env } from '../env.ts';
import { DEFAULT_POOL } from '../durable/stubs.ts';
import { constantTimeEqual } from './hash.ts';

const MIN_LENGTH = 16;
export const BOOTSTRAP_POOL = DEFAULT_POOL;
/** runners.created_by for runners registered this way (there is no user behind them). */
export const BOOTSTRAP_CREATOR = 'bootstrap';

export function isBootstrapToken(env: Env, token: string): boolean {
  const expected = env.DURSOR_RUNNER_BOOTSTRAP_TOKEN ?? '';
  if (expected.length < MIN_LENGTH) return false;
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(token), enc.encode(expected));
}
