/**
 * The task's event log (docs/architecture.md §5): every RunEvent stored once, numbered with a gapless per-task
 * `seq` starting at 1. Callers append inside `ctx.storage.transactionSync` together with the
 * run-state change the events describe, so the log and the state never disagree. Every frame
 * passes here, so the queries are prepared once per handle.
 */
import { asc, gt, max, sql } from 'drizzle-orm';
import type { RunEvent, StoredEvent } from '../../../protocol/src/index.ts';
import { preparedPer } from '../durable/storage.ts';
import { events } from './schema.ts';
import type { RoomDb } from './storage.ts';

const maxSeq = preparedPer((db) => db.select({ seq: max(events.seq) }).from(events).prepare());

const insert = preparedPer((db) =>
  db.insert(events).values({ seq: sql.placeholder('seq'), runId: sql.placeholder('runId'), data: sql.placeholder('data') }).prepare());

const page = preparedPer((db) =>
  db.select({ seq: events.seq, data: events.data })
    .from(events)
    .where(gt(events.seq, sql.placeholder('after')))
    .orderBy(asc(events.seq))
    .limit(sql.placeholder('limit'))
    .prepare());

export function lastSeq(db: RoomDb): number {
  return maxSeq(db).get()?.seq ?? 0;
}

/** Append events in order; returns them with their seq. Must run inside a transaction. */
export function appendEvents(db: RoomDb, list: readonly RunEvent[]): StoredEvent[] {
  let seq = lastSeq(db);
  return list.map((event) => {
    seq += 1;
    insert(db).run({ seq, runId: event.runId, data: event });
    return { ...event, seq };
  });
}

/** Up to `limit` events with seq > after, oldest first. */
export function readAfter(db: RoomDb, after: number, limit: number): StoredEvent[] {
  return page(db).all({ after, limit }).map((row) => ({ ...row.data, seq: row.seq }));
}
