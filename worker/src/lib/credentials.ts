/**
 * Who is calling: a user (session cookie or `dat_` API token), a runner (`drc_` credential), or
 * nobody. A bearer header wins over the cookie, so scripts never act as a browser session.
 */
import type { Context } from 'hono';
import { getDb } from '../db/client.ts';
import { findTokenUser, touchApiToken } from '../db/queries/api-tokens.ts';
import { findSessionUser } from '../db/queries/sessions.ts';
import type { RunnerRow, UserRow } from '../db/rows.ts';
import type { AppEnv } from './app-env.ts';
import { sha256Hex } from './hash.ts';
import { TOKEN_PREFIX } from './ids.ts';
import { runnerByCredential } from './runner-credential.ts';
import { readSessionCookie } from './session-cookie.ts';

export type Caller =
  | { kind: 'user'; user: UserRow; via: 'session' | 'token' }
  | { kind: 'runner'; runner: RunnerRow }
  | { kind: 'none'; reason: string };

/** Writing last_used_at on every call would cost a D1 write per request; once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

export function readBearer(c: Context): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return m?.[1];
}

export async function identify(c: Context<AppEnv>): Promise<Caller> {
  const db = getDb(c.env.DB);
  const now = Date.now();
  const bearer = readBearer(c);
  if (bearer !== undefined) {
    if (bearer.startsWith(TOKEN_PREFIX.runnerCredential)) {
      // Rotation (runner-credential.ts): current or just-saved pending credentials; the pool socket decides on retired ones itself.
      const runner = await runnerByCredential(db, await sha256Hex(bearer));
      return runner ? { kind: 'runner', runner } : { kind: 'none', reason: 'unknown runner credential' };
    }
    if (!bearer.startsWith(TOKEN_PREFIX.apiToken)) return { kind: 'none', reason: 'unrecognised bearer token' };
    const found = await findTokenUser(db, await sha256Hex(bearer));
    if (!found) return { kind: 'none', reason: 'unknown or revoked API token' };
    if (!found.token.lastUsedAt || now - found.token.lastUsedAt > TOUCH_EVERY_MS) await touchApiToken(db, found.token.id, now);
    return { kind: 'user', user: found.user, via: 'token' };
  }
  const cookie = readSessionCookie(c);
  if (cookie) {
    const user = await findSessionUser(db, await sha256Hex(cookie), now);
    return user ? { kind: 'user', user, via: 'session' } : { kind: 'none', reason: 'session expired; sign in again' };
  }
  return { kind: 'none', reason: 'sign in, or send Authorization: Bearer <API token>' };
}
