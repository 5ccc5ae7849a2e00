/**
 * What TaskRoom's storage through drizzle (`drizzle-orm/durable-sqlite`, issue 12) costs on its
 * hot paths, as ratios against the raw `sql.exec` code it replaced (copied here from before the
 * change), both on the same SQLite in the same run:
 *
 *   node_modules/.bin/node bench/do-storage.ts [--events 2000] [--rounds 7]
 *
 * - ingest: appending a frame's events (100 per transaction) to the event log;
 * - replay: reading the whole log back in pages of LIMITS.replayChunkEvents, as a viewer's replay;
 * - run state: a frame's bookkeeping, getRun + updateRun of its last frame.
 * The engine is Node's SQLite (node:sqlite) behind the few methods of DurableObjectStorage that
 * drizzle and the old code call, so the figures are the JavaScript each layer adds around one
 * SQLite engine; workerd's SQLite is the same library, reached through its own binding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { LIMITS, type RunEvent } from '../protocol/src/index.ts';
import { openDoDb } from '../worker/src/durable/storage.ts';
import { appendEvents, readAfter } from '../worker/src/task-room/event-log.ts';
import { getRun, updateRun } from '../worker/src/task-room/run-store.ts';
import { median, reportRow } from './rows.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '7' } } });
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const FRAME = 100;

type Value = string | number | null | ArrayBuffer;

/**
 * DurableObjectStorage as far as drizzle's durable-sqlite driver and the old code use it. Like
 * workerd's `sql.exec`, it keeps each query string's prepared statement.
 */
function nodeStorage() {
  const db = new DatabaseSync(':memory:');
  const statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepare = (query: string, arrays: boolean) => {
    const key = `${arrays}:${query}`;
    let stmt = statements.get(key);
    if (!stmt) {
      statements.set(key, (stmt = db.prepare(query)));
      stmt.setReturnArrays(arrays);
    }
    return stmt;
  };
  const sql = {
    exec(query: string, ...params: Value[]) {
      const args = params as never[];
      const stmt = prepare(query, false);
      if (!stmt.columns().length) {
        const written = Number(stmt.run(...args).changes);
        return { toArray: () => [], raw: () => ({ toArray: () => [] }), next: () => ({ done: true, value: undefined }), rowsWritten: written };
      }
      const rows = () => stmt.all(...args) as Record<string, Value>[];
      return {
        toArray: rows,
        raw: () => ({ toArray: () => prepare(query, true).all(...args) }),
        next: () => { const [value] = rows(); return value ? { done: false, value } : { done: true, value: undefined }; },
        one: () => rows()[0],
        rowsWritten: 0,
      };
    },
  };
  const transactionSync = <T>(fn: () => T): T => {
    db.exec('BEGIN');
    try {
      const out = fn();
      db.exec('COMMIT');
      return out;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
  return { sql, transactionSync } as unknown as DurableObjectStorage;
}

/** A fresh store at the current schema: the room's own migrations, in order. */
const MIGRATIONS = new URL('../worker/src/task-room/drizzle/', import.meta.url);
function freshStore() {
  const storage = nodeStorage();
  for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort()) {
    for (const stmt of readFileSync(new URL(file, MIGRATIONS), 'utf8').split('--> statement-breakpoint')) storage.sql.exec(stmt);
  }
  return storage;
}

// The code before the change (worker/src/task-room/event-log.ts and run-store.ts at 6e6df1b), for the baseline.
const old = {
  lastSeq: (sql: SqlStorage) => sql.exec<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').one().seq,
  appendEvents(sql: SqlStorage, events: readonly RunEvent[]) {
    let seq = old.lastSeq(sql);
    return events.map((event) => {
      seq += 1;
      sql.exec('INSERT INTO events (seq, run_id, data) VALUES (?, ?, ?)', seq, event.runId, JSON.stringify(event));
      return { ...event, seq };
    });
  },
  readAfter: (sql: SqlStorage, after: number, limit: number) =>
    sql.exec<{ seq: number; data: string }>('SELECT seq, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?', after, limit).toArray()
      .map((row) => ({ ...(JSON.parse(row.data) as RunEvent), seq: row.seq })),
  getRun(sql: SqlStorage, runId: string) {
    const r = sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM runs WHERE run_id = ?', runId).toArray()[0];
    return r && {
      runId: r.run_id, spec: JSON.parse(r.spec as string), status: r.status, assignment: r.assignment, runnerId: r.runner_id ?? null,
      retries: r.retries, lastFrame: r.last_frame as number, leaseUntil: r.lease_until ?? null, cancelRequested: r.cancel_requested === 1,
      cancelDeadline: r.cancel_deadline ?? null, offerRetryAt: r.offer_retry_at ?? null, startedAt: r.started_at ?? null,
      finishedAt: r.finished_at ?? null, error: r.error ?? null, result: r.result ? JSON.parse(r.result as string) : null,
      resultMessageId: r.result_message_id ?? null, failReason: r.fail_reason ?? null, firstTokenAt: r.first_token_at ?? null,
      noRunnerDeadline: r.no_runner_deadline ?? null, socketGoneAt: r.socket_gone_at ?? null, version: r.version,
      syncedVersion: r.synced_version, createdAt: r.created_at,
    };
  },
  updateLastFrame(sql: SqlStorage, runId: string, lastFrame: number) {
    sql.exec('UPDATE runs SET last_frame = ? WHERE run_id = ?', lastFrame, runId);
  },
};

const words = 'the runner applies the patch and pushes a branch while the viewer streams each event to the page'.split(' ');
const prose = (n: number) => Array.from({ length: n }, (_, i) => words[i % words.length]).join(' ');
const events: RunEvent[] = Array.from({ length: EVENTS }, (_, i) => (i % 2
  ? { type: 'tool_result', runId: 'r1', ts: 1, callId: `c${i}`, output: prose(60), isError: false }
  : { type: 'text', runId: 'r1', ts: 1, text: prose(30) }));
const frames = Array.from({ length: Math.ceil(EVENTS / FRAME) }, (_, i) => events.slice(i * FRAME, (i + 1) * FRAME));
const spec = { runId: 'r1', attempt: 1, branch: 'b', instruction: 'x', history: [], repo: { cloneUrl: 'https://example.test/r.git', baseRef: 'main' }, executor: { id: 'patch-agent' }, limits: {} };

function timed(f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

let sink = 0;
function ingest(useDrizzle: boolean): number {
  return timed(() => {
    const storage = freshStore();
    const db = openDoDb(storage);
    for (const frame of frames) storage.transactionSync(() => { sink += (useDrizzle ? appendEvents(db, frame) : old.appendEvents(storage.sql, frame)).length; });
  });
}
function replay(useDrizzle: boolean): number {
  const storage = freshStore();
  const db = openDoDb(storage);
  storage.transactionSync(() => appendEvents(db, events));
  return timed(() => {
    for (let after = 0; after < EVENTS;) {
      const page = useDrizzle ? readAfter(db, after, LIMITS.replayChunkEvents) : old.readAfter(storage.sql, after, LIMITS.replayChunkEvents);
      after = page[page.length - 1].seq;
      sink += page.length;
    }
  });
}
function runState(useDrizzle: boolean): number {
  const storage = freshStore();
  storage.sql.exec(`INSERT INTO runs (run_id, spec, status, created_at) VALUES ('r1', ?, 'running', 1)`, JSON.stringify(spec));
  const db = openDoDb(storage);
  return timed(() => {
    for (let i = 1; i <= EVENTS; i++) {
      if (useDrizzle) updateRun(db, getRun(db, 'r1')!, { lastFrame: i }, { sync: false });
      else old.updateLastFrame(storage.sql, 'r1', old.getRun(storage.sql, 'r1')!.lastFrame + 1);
    }
  });
}

const us = (ms: number, n: number) => `${((ms / n) * 1000).toFixed(2)} µs`;
const rows: [string, number, number, number, string][] = [
  ['ingest: append, per event (frames of 100)', ingest(true), ingest(false), EVENTS, 'event'],
  [`replay: read in pages of ${LIMITS.replayChunkEvents}, per event`, replay(true), replay(false), EVENTS, 'event'],
  ['run state: getRun + updateRun, per frame', runState(true), runState(false), EVENTS, 'frame'],
];
console.log(`${EVENTS} events, median of ${ROUNDS} (sink ${sink % 10})`);
for (const [measure, ms, base, n] of rows) {
  reportRow('do-storage', { measure: `drizzle ${measure}`, figure: us(ms, n), baseline: `raw sql.exec ${us(base, n)}`, ratio: ms / base });
}
