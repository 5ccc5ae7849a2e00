/**
 * Sign-in throttling, two counters per attempt:
 * - the pair (email, client address): 5 attempts within 15 minutes, then that pair is locked out
 *   for 15 minutes. Keyed by both, so someone guessing from elsewhere cannot lock the owner out of
 *   their own browser; a success clears it.
 * - the email alone, across addresses: 20 failed attempts within 15 minutes lock the email out
 *   everywhere for 15 minutes, so guessing from many addresses gets no further than that. (The
 *   price: someone with four or more addresses can keep an account from signing in anew; sessions
 *   already open keep working.) A success hands its slot back.
 *
 * Each attempt takes its slot *before* the password is checked, in one atomic upsert whose
 * RETURNING says how many attempts the window already holds. Counting after the (deliberately
 * slow) check let a concurrent burst read "0 failures" many times over and be checked in full.
 *
 * The address is Cloudflare's `CF-Connecting-IP`; locally every client is "local".
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { loginFailures } from '../db/schema.ts';
import { HttpError } from './errors.ts';

export const MAX_FAILURES = 5;
export const ACCOUNT_MAX_FAILURES = 20;
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

export interface LoginSlot {
  pairKey: string;
  accountKey: string;
}

export const throttleKey = (email: string, address: string | undefined): string => `${email}|${address ?? 'local'}`;
/** '*' never is an address, so this key cannot collide with a pair's. */
const accountKey = (email: string): string => `${email}|*`;

/**
 * Counts this attempt against the pair, then (if the pair still has room) against the email.
 * Throws 429 when either is over its limit; the caller may then check the password.
 */
export async function takeLoginSlot(db: Db, email: string, address: string | undefined, now = Date.now()): Promise<LoginSlot> {
  const slot = { pairKey: throttleKey(email, address), accountKey: accountKey(email) };
  await take(db, slot.pairKey, MAX_FAILURES, now);
  // Only attempts the pair let through count for the email: one address hammering away cannot
  // lock the email out everywhere by itself.
  await take(db, slot.accountKey, ACCOUNT_MAX_FAILURES, now);
  return slot;
}

/** The password was right: this address starts over, and the email gets its slot back. */
export async function releaseLoginSlot(db: Db, slot: LoginSlot): Promise<void> {
  await db.batch([
    db.delete(loginFailures).where(eq(loginFailures.key, slot.pairKey)),
    db.update(loginFailures).set({
      failures: sql`max(${loginFailures.failures} - 1, 0)`,
      lockedUntil: sql`CASE WHEN ${loginFailures.failures} - 1 < ${ACCOUNT_MAX_FAILURES} THEN NULL ELSE ${loginFailures.lockedUntil} END`,
    }).where(eq(loginFailures.key, slot.accountKey)),
  ]);
}

/**
 * One statement, so concurrent attempts each get their own number. A window starts over once it
 * is older than WINDOW_MS (while unlocked) or once its lock has run out. The attempt that fills
 * the last slot starts the lock; attempts beyond it are refused until the lock ends.
 */
async function take(db: Db, key: string, max: number, now: number): Promise<void> {
  const fresh = sql`(${loginFailures.lockedUntil} IS NULL AND ${loginFailures.firstAt} < ${now - WINDOW_MS})
    OR (${loginFailures.lockedUntil} IS NOT NULL AND ${loginFailures.lockedUntil} <= ${now})`;
  const row = await db.insert(loginFailures)
    .values({ key, failures: 1, firstAt: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: sql`CASE WHEN ${fresh} THEN 1 ELSE ${loginFailures.failures} + 1 END`,
        firstAt: sql`CASE WHEN ${fresh} THEN ${now} ELSE ${loginFailures.firstAt} END`,
        lockedUntil: sql`CASE WHEN ${fresh} THEN NULL
          WHEN ${loginFailures.failures} + 1 = ${max} THEN ${now + LOCK_MS}
          ELSE ${loginFailures.lockedUntil} END`,
      },
    })
    .returning({ failures: loginFailures.failures, lockedUntil: loginFailures.lockedUntil })
    .get();
  if (row.failures > max) throw lockedOut(row.lockedUntil ?? now + LOCK_MS, now);
}

function lockedOut(lockedUntil: number, now: number): HttpError {
  const minutes = Math.ceil((lockedUntil - now) / 60_000);
  return new HttpError(429, 'too_many_attempts', `too many failed sign-ins for this email; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    { 'retry-after': String(Math.ceil((lockedUntil - now) / 1000)) });
}
