/**
 * Per-run state rows in TaskRoom's SQLite (schema.ts). Every field the room needs after
 * hibernation lives here: status, current assignment, runner, lease and cancel deadlines, the
 * last stored frame, and the result. `updateRun` bumps `version` for changes D1 must mirror;
 * lease renewals and frame counters pass `{ sync: false }` so they do not cause D1 writes.
 */
import { and, asc, eq, gt, inArray, isNotNull, lt, lte, min, notInArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { LEASED_STATUSES, TERMINAL_STATUSES } from '../../../protocol/src/index.ts';
import { preparedPer } from '../durable/storage.ts';
import { runs } from './schema.ts';
import type { RoomDb } from './storage.ts';
import type { NewRun } from './types.ts';

export type RunState = typeof runs.$inferSelect;
export type RunPatch = Partial<Omit<RunState, 'runId' | 'spec' | 'version' | 'syncedVersion' | 'createdAt'>>;

/** Insert a queued run; false if it already exists (a repeated createRuns is a no-op). */
export function insertRun(db: RoomDb, spec: NewRun, now: number): boolean {
  const inserted = db.insert(runs)
    .values({ runId: spec.runId, spec, status: 'queued', createdAt: now })
    .onConflictDoNothing()
    .returning({ runId: runs.runId })
    .all();
  return inserted.length > 0;
}

/** Every frame and socket event reads its run: prepared once per handle (durable/storage.ts). */
const byId = preparedPer((db) => db.select().from(runs).where(eq(runs.runId, sql.placeholder('runId'))).prepare());

export function getRun(db: RoomDb, runId: string): RunState | null {
  return byId(db).get({ runId }) ?? null;
}

/** Write `patch`; with sync (default) the change is also owed to D1. Mutates `run` to match. */
export function updateRun(db: RoomDb, run: RunState, patch: RunPatch, opts: { sync?: boolean } = {}): void {
  const sync = opts.sync ?? true;
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as RunPatch;
  if (!Object.keys(set).length && !sync) return;
  db.update(runs)
    .set(sync ? { ...set, version: sql`${runs.version} + 1` } : set)
    .where(eq(runs.runId, run.runId))
    .run();
  Object.assign(run, patch);
  if (sync) run.version += 1;
}

const byAge = [asc(runs.createdAt), asc(runs.runId)];

function select(db: RoomDb, where: SQL | undefined): RunState[] {
  return db.select().from(runs).where(where).orderBy(...byAge).all();
}

/**
 * Each deadline a run can carry and while it is armed. The alarm handles the due ones
 * (alarm.ts) and is set for the earliest armed one (`nextDeadline`), from the same rule.
 */
interface Deadline { at: SQLiteColumn; armed: SQL | undefined }
const DEADLINES = {
  lease: { at: runs.leaseUntil, armed: inArray(runs.status, [...LEASED_STATUSES]) },
  cancel: { at: runs.cancelDeadline, armed: and(eq(runs.cancelRequested, true), notInArray(runs.status, [...TERMINAL_STATUSES])) },
  offer: { at: runs.offerRetryAt, armed: eq(runs.status, 'queued') },
  noRunner: { at: runs.noRunnerDeadline, armed: eq(runs.status, 'queued') },
} satisfies Record<string, Deadline>;

const due = (db: RoomDb, d: Deadline, now: number) => select(db, and(d.armed, isNotNull(d.at), lte(d.at, now)));

export const dueLeases = (db: RoomDb, now: number) => due(db, DEADLINES.lease, now);
export const dueCancels = (db: RoomDb, now: number) => due(db, DEADLINES.cancel, now);
export const dueOffers = (db: RoomDb, now: number) => due(db, DEADLINES.offer, now);
export const dueNoRunner = (db: RoomDb, now: number) => due(db, DEADLINES.noRunner, now);

/** Earliest armed deadline in the runs table (lease, cancel, offer retry, no runner), or null. */
export function nextDeadline(db: RoomDb): number | null {
  let next: number | null = null;
  for (const d of Object.values(DEADLINES) as Deadline[]) {
    const at = db.select({ at: min(d.at) }).from(runs).where(d.armed).get()?.at as number | null | undefined;
    if (at != null && (next === null || at < next)) next = at;
  }
  return next;
}

const unsynced = gt(runs.version, runs.syncedVersion);

export const unsyncedRuns = (db: RoomDb) => select(db, unsynced);

export function hasUnsynced(db: RoomDb): boolean {
  return db.select({ runId: runs.runId }).from(runs).where(unsynced).limit(1).get() !== undefined;
}

export function markSynced(db: RoomDb, runId: string, version: number): void {
  db.update(runs).set({ syncedVersion: version }).where(and(eq(runs.runId, runId), lt(runs.syncedVersion, version))).run();
}
