/**
 * The pool's queue of offered runs (`offers`, schema.ts). A row lives from `offer()` until the
 * runner accepts it, TaskRoom refuses the claim, or the run is withdrawn. `offered_to` is set
 * before the pool awaits TaskRoom.claim and `claim_id` names that attempt, so later updates only
 * touch the row if no re-offer replaced the attempt meanwhile. `rejected_by` survives re-offers
 * so a runner that declined a run is not asked again.
 */
import { and, asc, count, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { RunOffer } from '../task-room/types.ts';
import { offers } from './schema.ts';
import type { PoolDb } from './storage.ts';

export type OfferRow = typeof offers.$inferSelect;

/** Queue order: oldest first, then insertion order. */
const fifo = [asc(offers.createdAt), asc(sql`rowid`)];

const sameAttempt = (runId: string, claimId: string) => and(eq(offers.runId, runId), eq(offers.claimId, claimId));

/** Back in the queue: not handed to anyone. */
const unoffered = { offeredTo: null, offeredAt: null, claimId: null, assignment: null };

/** Insert, or re-open an existing offer (keeping its queue position and rejected_by). */
export function upsertOffer(db: PoolDb, offer: RunOffer, now: number): void {
  db.insert(offers)
    .values({ runId: offer.runId, taskId: offer.taskId, executor: offer.executor, createdAt: now })
    .onConflictDoUpdate({ target: offers.runId, set: { taskId: offer.taskId, executor: offer.executor, ...unoffered } })
    .run();
}

export function getOffer(db: PoolDb, runId: string): OfferRow | null {
  return db.select().from(offers).where(eq(offers.runId, runId)).get() ?? null;
}

export function deleteOffer(db: PoolDb, runId: string, claimId?: string): void {
  db.delete(offers).where(claimId === undefined ? eq(offers.runId, runId) : sameAttempt(runId, claimId)).run();
}

function queue(db: PoolDb, where: SQL): OfferRow[] {
  return db.select().from(offers).where(where).orderBy(...fifo).all();
}

/** Offers waiting for a runner, oldest first. */
export const pendingOffers = (db: PoolDb) => queue(db, isNull(offers.offeredTo));

/** Offers handed to `runnerId` and not yet accepted. */
export const offersTo = (db: PoolDb, runnerId: string) => queue(db, eq(offers.offeredTo, runnerId));

export function unacceptedCounts(db: PoolDb): Map<string, number> {
  const rows = db.select({ runnerId: offers.offeredTo, n: count() }).from(offers).where(isNotNull(offers.offeredTo)).groupBy(offers.offeredTo).all();
  return new Map(rows.map((x) => [x.runnerId!, x.n]));
}

export function markOffered(db: PoolDb, runId: string, runnerId: string, claimId: string, now: number): void {
  db.update(offers).set({ offeredTo: runnerId, offeredAt: now, claimId, assignment: null }).where(eq(offers.runId, runId)).run();
}

/** Record the claimed assignment; false if the claim attempt was superseded meanwhile. */
export function setAssignment(db: PoolDb, runId: string, claimId: string, assignment: number): boolean {
  return db.update(offers).set({ assignment }).where(sameAttempt(runId, claimId)).returning({ runId: offers.runId }).all().length > 0;
}

/** Put the offer back in the queue, unless a newer attempt replaced `claimId`. */
export function clearOffer(db: PoolDb, runId: string, claimId: string): void {
  db.update(offers).set(unoffered).where(sameAttempt(runId, claimId)).run();
}

export function addRejected(db: PoolDb, runId: string, runnerId: string): void {
  const offer = getOffer(db, runId);
  if (!offer || offer.rejectedBy.includes(runnerId)) return;
  db.update(offers).set({ rejectedBy: [...offer.rejectedBy, runnerId] }).where(eq(offers.runId, runId)).run();
}
