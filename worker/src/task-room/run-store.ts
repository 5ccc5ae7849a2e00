/**
 * Per-run state rows in TaskRoom's SQLite (schema.ts). Every field the room needs after
 * hibernation lives here: status, current assignment, runner, lease and cancel deadlines, the
 * last stored frame, and the result. `updateRun` bumps `version` for changes D1 must mirror;
 * lease renewals and frame counters pass `{ sync: false }` so they do not cause D1 writes.
 */
import type { RunResult, RunStatus } from '../../../protocol/src/index.ts';
import { LEASED_STATUSES, TERMINAL_STATUSES } from '../../../protocol/src/index.ts';
import type { NewRun } from './types.ts';

export interface RunState {
  runId: string;
  spec: NewRun;
  status: RunStatus;
  assignment: number;
  runnerId: string | null;
  retries: number;
  lastFrame: number;
  leaseUntil: number | null;
  cancelRequested: boolean;
  cancelDeadline: number | null;
  offerRetryAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
  result: RunResult | null;
  resultMessageId: string | null;
  /** Set when the run is being stopped for a reason that makes it fail, not cancel (budget). */
  failReason: string | null;
  /** First text or tool call of the current assignment (time to first token). */
  firstTokenAt: number | null;
  /** Queued with no connected runner offering its agent: fails at this time unless one appears. */
  noRunnerDeadline: number | null;
  /** When the current assignment's last run socket closed (its lease was cut to the grace); null while connected. */
  socketGoneAt: number | null;
  version: number;
  syncedVersion: number;
  createdAt: number;
}

export type RunPatch = Partial<Omit<RunState, 'runId' | 'spec' | 'version' | 'syncedVersion' | 'createdAt'>>;

const COLUMNS: Record<keyof RunPatch, string> = {
  status: 'status',
  assignment: 'assignment',
  runnerId: 'runner_id',
  retries: 'retries',
  lastFrame: 'last_frame',
  leaseUntil: 'lease_until',
  cancelRequested: 'cancel_requested',
  cancelDeadline: 'cancel_deadline',
  offerRetryAt: 'offer_retry_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  error: 'error',
  result: 'result',
  resultMessageId: 'result_message_id',
  failReason: 'fail_reason',
  firstTokenAt: 'first_token_at',
  noRunnerDeadline: 'no_runner_deadline',
  socketGoneAt: 'socket_gone_at',
};

type Row = Record<string, SqlStorageValue>;

function fromRow(r: Row): RunState {
  return {
    runId: r.run_id as string,
    spec: JSON.parse(r.spec as string) as NewRun,
    status: r.status as RunStatus,
    assignment: r.assignment as number,
    runnerId: (r.runner_id as string | null) ?? null,
    retries: r.retries as number,
    lastFrame: r.last_frame as number,
    leaseUntil: (r.lease_until as number | null) ?? null,
    cancelRequested: r.cancel_requested === 1,
    cancelDeadline: (r.cancel_deadline as number | null) ?? null,
    offerRetryAt: (r.offer_retry_at as number | null) ?? null,
    startedAt: (r.started_at as number | null) ?? null,
    finishedAt: (r.finished_at as number | null) ?? null,
    error: (r.error as string | null) ?? null,
    result: r.result ? (JSON.parse(r.result as string) as RunResult) : null,
    resultMessageId: (r.result_message_id as string | null) ?? null,
    failReason: (r.fail_reason as string | null) ?? null,
    firstTokenAt: (r.first_token_at as number | null) ?? null,
    noRunnerDeadline: (r.no_runner_deadline as number | null) ?? null,
    socketGoneAt: (r.socket_gone_at as number | null) ?? null,
    version: r.version as number,
    syncedVersion: r.synced_version as number,
    createdAt: r.created_at as number,
  };
}

function toValue(key: keyof RunPatch, value: unknown): SqlStorageValue {
  if (value === null || value === undefined) return null;
  if (key === 'cancelRequested') return value ? 1 : 0;
  if (key === 'result') return JSON.stringify(value);
  return value as SqlStorageValue;
}

/** Insert a queued run; false if it already exists (a repeated createRuns is a no-op). */
export function insertRun(sql: SqlStorage, spec: NewRun, now: number): boolean {
  const cur = sql.exec(
    `INSERT INTO runs (run_id, spec, status, created_at) VALUES (?, ?, 'queued', ?) ON CONFLICT(run_id) DO NOTHING`,
    spec.runId, JSON.stringify(spec), now,
  );
  return cur.rowsWritten > 0;
}

export function getRun(sql: SqlStorage, runId: string): RunState | null {
  const rows = sql.exec<Row>('SELECT * FROM runs WHERE run_id = ?', runId).toArray();
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Write `patch`; with sync (default) the change is also owed to D1. Mutates `run` to match. */
export function updateRun(sql: SqlStorage, run: RunState, patch: RunPatch, opts: { sync?: boolean } = {}): void {
  const keys = (Object.keys(patch) as (keyof RunPatch)[]).filter((k) => patch[k] !== undefined);
  const sets = keys.map((k) => `${COLUMNS[k]} = ?`);
  const sync = opts.sync ?? true;
  if (sync) sets.push('version = version + 1');
  if (!sets.length) return;
  sql.exec(`UPDATE runs SET ${sets.join(', ')} WHERE run_id = ?`, ...keys.map((k) => toValue(k, patch[k])), run.runId);
  Object.assign(run, patch);
  if (sync) run.version += 1;
}

const leased = LEASED_STATUSES.map((s) => `'${s}'`).join(',');
const terminal = TERMINAL_STATUSES.map((s) => `'${s}'`).join(',');

function select(sql: SqlStorage, where: string, ...args: SqlStorageValue[]): RunState[] {
  return sql.exec<Row>(`SELECT * FROM runs WHERE ${where} ORDER BY created_at, run_id`, ...args).toArray().map(fromRow);
}

export const dueLeases = (sql: SqlStorage, now: number) =>
  select(sql, `status IN (${leased}) AND lease_until IS NOT NULL AND lease_until <= ?`, now);
export const dueCancels = (sql: SqlStorage, now: number) =>
  select(sql, `cancel_requested = 1 AND status NOT IN (${terminal}) AND cancel_deadline <= ?`, now);
export const dueOffers = (sql: SqlStorage, now: number) =>
  select(sql, `status = 'queued' AND offer_retry_at IS NOT NULL AND offer_retry_at <= ?`, now);
export const dueNoRunner = (sql: SqlStorage, now: number) =>
  select(sql, `status = 'queued' AND no_runner_deadline IS NOT NULL AND no_runner_deadline <= ?`, now);
export const unsyncedRuns = (sql: SqlStorage) => select(sql, 'version > synced_version');

export function markSynced(sql: SqlStorage, runId: string, version: number): void {
  sql.exec('UPDATE runs SET synced_version = ? WHERE run_id = ? AND synced_version < ?', version, runId, version);
}

/** Earliest deadline stored in the runs table (lease, cancel, offer retry, no runner), or null. */
export function nextDeadline(sql: SqlStorage): number | null {
  const row = sql.exec<{ at: number | null }>(
    `SELECT MIN(at) AS at FROM (
       SELECT lease_until AS at FROM runs WHERE status IN (${leased}) AND lease_until IS NOT NULL
       UNION ALL SELECT cancel_deadline FROM runs WHERE cancel_requested = 1 AND status NOT IN (${terminal})
       UNION ALL SELECT offer_retry_at FROM runs WHERE status = 'queued' AND offer_retry_at IS NOT NULL
       UNION ALL SELECT no_runner_deadline FROM runs WHERE status = 'queued' AND no_runner_deadline IS NOT NULL
     )`,
  ).one();
  return row.at ?? null;
}

export function hasUnsynced(sql: SqlStorage): boolean {
  return sql.exec('SELECT 1 FROM runs WHERE version > synced_version LIMIT 1').toArray().length > 0;
}
