/**
 * TaskRoom's SQLite schema (DO storage, drizzle). The tables are created and changed only by the
 * versioned migrations in drizzle/ (`npm run db:generate:do` after editing this file), applied on
 * wake by storage.ts. Column names are those of the layout rooms had before versioned migrations,
 * so the first migration is that layout and old rooms adopt it as they are (storage.ts).
 *
 * - meta:   key/value (task_id).
 * - events: the task's event log; `seq` is gapless per task (assigned in event-log.ts).
 * - runs:   per-run state (run-store.ts). `version` counts changes that D1 must see and
 *           `synced_version` what D1 has; d1-sync.ts closes the gap.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { RunEvent, RunResult, RunStatus } from '../../../protocol/src/index.ts';
import type { NewRun } from './types.ts';

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey(),
  runId: text('run_id').notNull(),
  data: text('data', { mode: 'json' }).$type<RunEvent>().notNull(),
});

export const runs = sqliteTable('runs', {
  runId: text('run_id').primaryKey(),
  spec: text('spec', { mode: 'json' }).$type<NewRun>().notNull(),
  status: text('status').$type<RunStatus>().notNull(),
  assignment: integer('assignment').notNull().default(0),
  runnerId: text('runner_id'),
  retries: integer('retries').notNull().default(0),
  /** Last frame number stored for the current assignment (frame-gate.ts). */
  lastFrame: integer('last_frame').notNull().default(0),
  leaseUntil: integer('lease_until'),
  cancelRequested: integer('cancel_requested', { mode: 'boolean' }).notNull().default(false),
  cancelDeadline: integer('cancel_deadline'),
  offerRetryAt: integer('offer_retry_at'),
  startedAt: integer('started_at'),
  finishedAt: integer('finished_at'),
  error: text('error'),
  result: text('result', { mode: 'json' }).$type<RunResult>(),
  resultMessageId: text('result_message_id'),
  /** Set when the run is being stopped for a reason that makes it fail, not cancel (budget). */
  failReason: text('fail_reason'),
  /** First text or tool call of the current assignment (time to first token). */
  firstTokenAt: integer('first_token_at'),
  /** Queued with no connected runner offering its agent: fails at this time unless one appears. */
  noRunnerDeadline: integer('no_runner_deadline'),
  /** When the current assignment's last run socket closed (its lease was cut to the grace); null while connected. */
  socketGoneAt: integer('socket_gone_at'),
  version: integer('version').notNull().default(1),
  syncedVersion: integer('synced_version').notNull().default(0),
  createdAt: integer('created_at').notNull(),
});
