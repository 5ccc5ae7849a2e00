/**
 * Sign-in throttling: 5 failed sign-ins for one email from one client address within 15 minutes
 * lock that pair out for 15 minutes (429 with Retry-After). Keyed by both, so someone guessing
 * from elsewhere cannot lock the owner out of their own browser. A success clears the count.
 * The address is Cloudflare's `CF-Connecting-IP`; locally every client is "local".
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { loginFailures } from '../db/schema.ts';
import { HttpError } from './errors.ts';

export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

export const throttleKey = (email: string, address: string | undefined): string => `${email}|${address ?? 'local'}`;

/** Throws 429 while the pair is locked out. */
export async function checkLoginAllowed(db: Db, key: string, now = Date.now()): Promise<void> {
  const row = await db.select().from(loginFailures).where(eq(loginFailures.key, key)).get();
  if (row?.lockedUntil && row.lockedUntil > now) {
    const minutes = Math.ceil((row.lockedUntil - now) / 60_000);
    throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins for this email; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      { 'retry-after': String(Math.ceil((row.lockedUntil - now) / 1000)) });
  }
}

export async function recordLoginFailure(db: Db, key: string, now = Date.now()): Promise<void> {
  const row = await db.select().from(loginFailures).where(eq(loginFailures.key, key)).get();
  const fresh = !row || now - row.firstAt > WINDOW_MS || (row.lockedUntil !== null && row.lockedUntil <= now);
  const failures = fresh ? 1 : row.failures + 1;
  const next = { failures, firstAt: fresh ? now : row.firstAt, lockedUntil: failures >= MAX_FAILURES ? now + LOCK_MS : null };
  await db.insert(loginFailures).values({ key, ...next }).onConflictDoUpdate({ target: loginFailures.key, set: next });
}

export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, key));
}
