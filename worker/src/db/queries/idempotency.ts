/** Idempotency-Key records: (user, key) → the first response, replayed for every repeat. */
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { idempotencyKeys } from '../schema.ts';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/** True if this call created the placeholder, i.e. this request owns the key. */
export async function claimKey(db: Db, userId: string, key: string, route: string, requestHash: string, now: number): Promise<boolean> {
  const res = await db.insert(idempotencyKeys).values({ userId, key, route, requestHash, status: null, body: null, createdAt: now })
    .onConflictDoNothing().run();
  return res.meta.changes > 0;
}

export async function readKey(db: Db, userId: string, key: string): Promise<IdempotencyRow | undefined> {
  return db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key))).get();
}

export async function storeResponse(db: Db, userId: string, key: string, status: number, body: string): Promise<void> {
  await db.update(idempotencyKeys).set({ status, body })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
}

/** Frees the key after a server error so the client can retry it. */
export async function releaseKey(db: Db, userId: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)));
}

/**
 * Takes over a placeholder whose request died (Worker evicted mid-request) — atomically, so only
 * one waiting repeat wins.
 */
export async function takeOverStale(db: Db, userId: string, key: string, staleBefore: number, now: number): Promise<boolean> {
  // Route and body were already compared with this row's, so they stay as they are.
  const res = await db.update(idempotencyKeys).set({ createdAt: now })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key),
      isNull(idempotencyKeys.status), lt(idempotencyKeys.createdAt, staleBefore))).run();
  return res.meta.changes > 0;
}

/** Records older than this are forgotten (per user, opportunistically). */
export async function purgeOldKeys(db: Db, userId: string, before: number): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), lt(idempotencyKeys.createdAt, before)));
}
