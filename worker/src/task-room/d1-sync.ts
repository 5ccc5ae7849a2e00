/**
 * Mirrors run state into D1 (docs/architecture.md §1: D1 holds what is listed and searched). Each run row in
 * DO SQLite carries `version`/`synced_version`; a flush writes every unsynced run's current state
 * (status, runner, retries, timings, first token, error and, once a result exists, branch,
 * commits, files, stats, patch, summary, agent session), inserts the run's assistant message (id
 * fixed when the result was stored, so a retry never duplicates it), and recomputes the task's
 * status — all in one D1 batch, which ends by reading the task's row back for `onTask` (the
 * user's open tabs, user-feed/). Flushes are chained so D1 always ends at the latest state even when handlers interleave
 * while awaiting D1. A failed flush leaves the runs unsynced; the alarm retries (alarm.ts).
 */
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { and, eq, sql as dsql } from 'drizzle-orm';
import { messages, runs, tasks } from '../db/schema.ts';
import { getMeta } from './meta.ts';
import { markSynced, unsyncedRuns } from './run-store.ts';
import type { RunState } from './run-store.ts';
import type { TaskRow } from '../db/rows.ts';
import type { RoomDb } from './storage.ts';

function runFields(r: RunState, now: number) {
  const base = {
    status: r.status,
    runnerId: r.runnerId,
    retries: r.retries,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    error: r.error,
    firstTokenAt: r.firstTokenAt,
    updatedAt: now,
  };
  const res = r.result;
  if (!res) return base;
  return {
    ...base,
    branch: res.branch ?? r.spec.branch,
    baseCommit: res.baseCommit ?? null,
    headCommit: res.headCommit ?? null,
    files: JSON.stringify(res.files),
    filesChanged: res.stats.files,
    additions: res.stats.additions,
    deletions: res.stats.deletions,
    patch: res.patch ?? null,
    summary: res.summary ?? null,
    agentSession: res.agentSession ?? null,
  };
}

function resultMessage(r: RunState): string {
  const res = r.result!;
  if (res.summary) return res.summary;
  // Stopped for its budget: the runner says cancelled, the run is failed — say what happened.
  if (r.status !== res.outcome && r.error) return `Run ${r.status}: ${r.error}`;
  return res.error ? `Run ${res.outcome}: ${res.error}` : `Run ${res.outcome}.`;
}

export class D1Sync {
  #store: RoomDb;
  #db: D1Database;
  #onFailure: () => Promise<void>;
  #onTask: (row: TaskRow) => Promise<void>;
  #chain: Promise<void> = Promise.resolve();

  /** `onFailure` schedules the retry (the room arms its alarm); `onTask` gets the task row as written. */
  constructor(store: RoomDb, db: D1Database, onFailure: () => Promise<void>, onTask: (row: TaskRow) => Promise<void> = async () => {}) {
    this.#store = store;
    this.#db = db;
    this.#onFailure = onFailure;
    this.#onTask = onTask;
  }

  /** Write every unsynced run to D1. Never rejects; returns false if D1 could not be written. */
  flush(): Promise<boolean> {
    const step = this.#chain.then(() => this.#syncOnce());
    this.#chain = step.then(() => undefined);
    return step;
  }

  async #syncOnce(): Promise<boolean> {
    const taskId = getMeta(this.#store, 'task_id');
    const dirty = unsyncedRuns(this.#store);
    if (!taskId || !dirty.length) return true;
    const db = drizzle(this.#db);
    const now = Date.now();
    const stmts: BatchItem<'sqlite'>[] = [];
    for (const r of dirty) {
      stmts.push(db.update(runs).set(runFields(r, now)).where(and(eq(runs.id, r.runId), eq(runs.taskId, taskId))));
      if (r.result && r.resultMessageId) {
        stmts.push(
          db.insert(messages)
            .values({ id: r.resultMessageId, taskId, role: 'assistant', content: resultMessage(r), runId: r.runId, createdAt: r.finishedAt ?? now })
            .onConflictDoNothing(),
        );
      }
    }
    // Any non-terminal run → running; all terminal and one succeeded → done; all cancelled → cancelled; else failed.
    const status = dsql<'running' | 'done' | 'failed' | 'cancelled'>`CASE
      WHEN EXISTS (SELECT 1 FROM runs WHERE task_id = ${taskId} AND status NOT IN ('succeeded','failed','cancelled')) THEN 'running'
      WHEN EXISTS (SELECT 1 FROM runs WHERE task_id = ${taskId} AND status = 'succeeded') THEN 'done'
      WHEN EXISTS (SELECT 1 FROM runs WHERE task_id = ${taskId} AND status = 'failed') THEN 'failed'
      WHEN EXISTS (SELECT 1 FROM runs WHERE task_id = ${taskId}) THEN 'cancelled'
      ELSE ${tasks.status} END`;
    const taskUpdate = db.update(tasks).set({ status, updatedAt: now }).where(eq(tasks.id, taskId));
    const taskRead = db.select().from(tasks).where(eq(tasks.id, taskId));
    let written: TaskRow | undefined;
    try {
      // The task update comes after the run rows so it sees them; the read comes last so it sees all.
      const batch = [...stmts, taskUpdate, taskRead] as unknown as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];
      const results = await db.batch(batch);
      written = (results.at(-1) as TaskRow[])[0];
    } catch (err) {
      console.error('task-room: D1 write-back failed; the alarm retries', taskId, String(err));
      await this.#onFailure().catch(() => undefined);
      return false;
    }
    for (const r of dirty) markSynced(this.#store, r.runId, r.version);
    if (written) await this.#onTask(written);
    return true;
  }
}
