/**
 * The task's event log (docs/architecture.md §5): every RunEvent stored once, numbered with a gapless per-task
 * `seq` starting at 1. Callers append inside `ctx.storage.transactionSync` together with the
 * run-state change the events describe, so the log and the state never disagree.
 */
import type { RunEvent, StoredEvent } from '../../../protocol/src/index.ts';

export function lastSeq(sql: SqlStorage): number {
  return sql.exec<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').one().seq;
}

/** Append events in order; returns them with their seq. Must run inside a transaction. */
export function appendEvents(sql: SqlStorage, events: readonly RunEvent[]): StoredEvent[] {
  let seq = lastSeq(sql);
  return events.map((event) => {
    seq += 1;
    sql.exec('INSERT INTO events (seq, run_id, data) VALUES (?, ?, ?)', seq, event.runId, JSON.stringify(event));
    return { ...event, seq };
  });
}

/** Up to `limit` events with seq > after, oldest first. */
export function readAfter(sql: SqlStorage, after: number, limit: number): StoredEvent[] {
  return sql
    .exec<{ seq: number; data: string }>('SELECT seq, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?', after, limit)
    .toArray()
    .map((row) => ({ ...(JSON.parse(row.data) as RunEvent), seq: row.seq }));
}
