/**
 * A stored fixture of the storage layout TaskRoom and RunnerPool had before versioned migrations
 * (issue 12): the DDL copied verbatim from worker/src/task-room/schema.ts and
 * worker/src/runner-pool/offers.ts as of commit 6e6df1b, and rows the old code would have
 * written. `writeOldRoom` replaces whatever the room's SQLite holds with it, so the next wake
 * runs the new code on an old store.
 */
import type { RunEvent } from '../../../protocol/src/index.ts';
import type { NewRun } from '../../src/task-room/types.ts';

const OLD_META = `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;
const OLD_EVENTS = `CREATE TABLE IF NOT EXISTS events (
     seq INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL,
     data TEXT NOT NULL
   )`;
const OLD_RUNS = `CREATE TABLE IF NOT EXISTS runs (
     run_id TEXT PRIMARY KEY,
     spec TEXT NOT NULL,
     status TEXT NOT NULL,
     assignment INTEGER NOT NULL DEFAULT 0,
     runner_id TEXT,
     retries INTEGER NOT NULL DEFAULT 0,
     last_frame INTEGER NOT NULL DEFAULT 0,
     lease_until INTEGER,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     cancel_deadline INTEGER,
     offer_retry_at INTEGER,
     started_at INTEGER,
     finished_at INTEGER,
     error TEXT,
     result TEXT,
     result_message_id TEXT,
     fail_reason TEXT,
     first_token_at INTEGER,
     no_runner_deadline INTEGER,
     socket_gone_at INTEGER,
     version INTEGER NOT NULL DEFAULT 1,
     synced_version INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   )`;
/** Columns the old code ALTERed into rooms created before issue 3 (its ADDED_RUN_COLUMNS). */
export const PRE_ISSUE_3_MISSING = ['fail_reason', 'first_token_at', 'no_runner_deadline', 'socket_gone_at'];

const OLD_OFFERS = `CREATE TABLE IF NOT EXISTS offers (
    run_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    executor TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    offered_to TEXT,
    offered_at INTEGER,
    claim_id TEXT,
    assignment INTEGER,
    rejected_by TEXT NOT NULL DEFAULT '[]'
  )`;

function dropAll(sql: SqlStorage): void {
  const tables = sql.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`).toArray();
  for (const { name } of tables) sql.exec(`DROP TABLE "${name}"`);
}

export const OLD_RUNNER = 'runner-old';

/**
 * The runs of the fixture, one per state worth keeping: `running` (assignment 2 after a lost
 * runner, frame 3 stored, lease running), `queued` (offer retry and no-runner deadline armed),
 * `stopping` (running, budget cancel requested with its deadline), `done` (succeeded with a
 * result D1 has not seen yet).
 */
export function oldRoomRows(taskId: string, specs: NewRun[], t0: number) {
  const [running, queued, stopping, done] = specs;
  const result = { outcome: 'succeeded' as const, files: [{ path: 'README.md', status: 'added' as const, additions: 1, deletions: 0 }], stats: { files: 1, additions: 1, deletions: 0 }, summary: 'Added a README', branch: done.branch };
  const runs = [
    { run_id: running.runId, spec: running, status: 'running', assignment: 2, runner_id: OLD_RUNNER, retries: 1, last_frame: 3, lease_until: t0 + 60_000, started_at: t0 - 5_000, first_token_at: t0 - 4_000, version: 5, synced_version: 5, created_at: t0 - 10_000 },
    { run_id: queued.runId, spec: queued, status: 'queued', offer_retry_at: t0 + 30_000, no_runner_deadline: t0 + 300_000, version: 1, synced_version: 1, created_at: t0 - 9_000 },
    { run_id: stopping.runId, spec: stopping, status: 'running', assignment: 1, runner_id: OLD_RUNNER, last_frame: 1, lease_until: t0 + 60_000, cancel_requested: 1, cancel_deadline: t0 + 20_000, fail_reason: 'budget exceeded: run spent $1 of its $1 budget', started_at: t0 - 3_000, version: 3, synced_version: 3, created_at: t0 - 8_000 },
    { run_id: done.runId, spec: done, status: 'succeeded', assignment: 1, runner_id: OLD_RUNNER, last_frame: 2, started_at: t0 - 7_000, finished_at: t0 - 1_000, result, result_message_id: 'msg-old-result', version: 4, synced_version: 3, created_at: t0 - 7_500 },
  ];
  const at = (i: number) => t0 - 10_000 + i * 100;
  const events: RunEvent[] = [
    ...specs.map((s, i): RunEvent => ({ type: 'status', runId: s.runId, ts: at(i), status: 'queued' })),
    { type: 'status', runId: done.runId, ts: at(4), status: 'running' },
    { type: 'status', runId: running.runId, ts: at(5), status: 'running' },
    { type: 'turn', runId: running.runId, ts: at(6), turn: 1, text: 'Reading the tree', calls: [{ id: 'c1', name: 'list_files', args: '{}' }], tokens: 120 },
    { type: 'text', runId: done.runId, ts: at(7), text: 'Writing README.md' },
    { type: 'status', runId: stopping.runId, ts: at(8), status: 'running' },
    { type: 'result', runId: done.runId, ts: at(9), result },
    { type: 'status', runId: done.runId, ts: at(10), status: 'succeeded' },
    { type: 'log', runId: running.runId, ts: at(11), level: 'warn', message: 'runner lost; queued again' },
    { type: 'status', runId: running.runId, ts: at(12), status: 'running' },
    { type: 'text', runId: running.runId, ts: at(13), text: 'Continuing after turn 1' },
  ];
  return { meta: { task_id: taskId }, runs, events };
}

/** Replace the room's store with the old layout holding `rows` (pre-issue-3: without its four run columns). */
export function writeOldRoom(sql: SqlStorage, rows: ReturnType<typeof oldRoomRows>, opts: { preIssue3?: boolean } = {}): void {
  dropAll(sql);
  let runsDdl = OLD_RUNS;
  if (opts.preIssue3) runsDdl = runsDdl.split('\n').filter((l) => !PRE_ISSUE_3_MISSING.some((c) => l.trim().startsWith(`${c} `))).join('\n');
  for (const ddl of [OLD_META, OLD_EVENTS, runsDdl]) sql.exec(ddl);
  for (const [key, value] of Object.entries(rows.meta)) sql.exec('INSERT INTO meta (key, value) VALUES (?, ?)', key, value);
  rows.events.forEach((e, i) => sql.exec('INSERT INTO events (seq, run_id, data) VALUES (?, ?, ?)', i + 1, e.runId, JSON.stringify(e)));
  for (const run of rows.runs) {
    const row: Record<string, SqlStorageValue> = Object.fromEntries(Object.entries(run)
      .filter(([k]) => !(opts.preIssue3 && PRE_ISSUE_3_MISSING.includes(k)))
      .map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as SqlStorageValue)]));
    const cols = Object.keys(row);
    sql.exec(`INSERT INTO runs (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, ...Object.values(row));
  }
}

export interface OldOffer { run_id: string; task_id: string; executor: string; created_at: number; offered_to?: string; offered_at?: number; claim_id?: string; assignment?: number; rejected_by?: string }

/** Replace the pool's store with the old `offers` table holding `offers`. */
export function writeOldPool(sql: SqlStorage, offers: OldOffer[]): void {
  dropAll(sql);
  sql.exec(OLD_OFFERS);
  for (const o of offers) {
    const cols = Object.keys(o);
    sql.exec(`INSERT INTO offers (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, ...(Object.values(o) as SqlStorageValue[]));
  }
}
