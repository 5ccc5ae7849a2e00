/**
 * The task's event log (docs/architecture.md §5): every RunEvent stored once, numbered with a gapless per-task
 * `seq` starting at 1. Callers append inside `ctx.storage.transactionSync` together with the
 * run-state change the events describe, so the log and the state never disagree.
 */
import { asc, gt, max } from 'drizzle-orm';
import type { RunEvent, StoredEvent } from '../../../protocol/src/index.ts';
import { events } from './schema.ts';
import type { RoomDb } from './storage.ts';

export function lastSeq(db: RoomDb): number {
  return db.select({ seq: max(events.seq) }).from(events).get()?.seq ?? 0;
}

/** Append events in order; returns them with their seq. Must run inside a transaction. */
export function appendEvents(db: RoomDb, list: readonly RunEvent[]): StoredEvent[] {
  let seq = lastSeq(db);
  return list.map((event) => {
    seq += 1;
    db.insert(events).values({ seq, runId: event.runId, data: event }).run();
    return { ...event, seq };
  });
}

/** Up to `limit` events with seq > after, oldest first. */
export function readAfter(db: RoomDb, after: number, limit: number): StoredEvent[] {
  return db
    .select({ seq: events.seq, data: events.data })
    .from(events)
    .where(gt(events.seq, after))
    .orderBy(asc(events.seq))
    .limit(limit)
    .all()
    .map((row) => ({ ...row.data, seq: row.seq }));
}
