/** Runs in D1: created queued here; afterwards TaskRoom writes their summaries back. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../client.ts';
import type { MessageRow, RunInsert, RunRow } from '../rows.ts';
import { messages, runs, tasks } from '../schema.ts';

export async function listRuns(db: Db, taskId: string): Promise<RunRow[]> {
  return db.select().from(runs).where(eq(runs.taskId, taskId)).orderBy(asc(runs.createdAt), asc(runs.attempt));
}

/** A run the user owns (through its task). */
export async function getUserRun(db: Db, userId: string, runId: string): Promise<RunRow | undefined> {
  const row = await db.select({ run: runs }).from(runs)
    .innerJoin(tasks, eq(tasks.id, runs.taskId))
    .where(and(eq(runs.id, runId), eq(tasks.userId, userId))).get();
  return row?.run;
}

export async function getRunById(db: Db, runId: string): Promise<RunRow | undefined> {
  return db.select().from(runs).where(eq(runs.id, runId)).get();
}

/**
 * One round in one batch: the optional new user message and every run row (one statement each:
 * D1 caps bound parameters per statement at 100). The task's status is TaskRoom's to write: it
 * marks the task running inside createRuns and recomputes it on every run status change.
 * Attempt numbers are decided here, in SQL: each run gets the highest attempt its message already
 * has + 1, statement by statement inside the batch (one transaction), so a retry continues its
 * round's numbering and two racing requests cannot take the same number. Returns run id → attempt.
 */
export async function insertRound(db: Db, taskId: string, now: number, message: MessageRow | null, rows: RunInsert[]): Promise<Map<string, number>> {
  const stmts: BatchItem<'sqlite'>[] = [];
  if (message) stmts.push(db.insert(messages).values(message));
  for (const r of rows) {
    const attempt = sql<number>`(SELECT COALESCE(MAX(attempt), 0) + 1 FROM runs WHERE task_id = ${taskId} AND message_id = ${r.messageId})`;
    stmts.push(db.insert(runs).values({ ...r, attempt }).returning({ id: runs.id, attempt: runs.attempt }));
  }
  stmts.push(db.update(tasks).set({ updatedAt: now }).where(eq(tasks.id, taskId)));
  const results = await db.batch(stmts as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  const attempts = new Map<string, number>();
  for (const res of results) {
    if (!Array.isArray(res)) continue;
    for (const row of res as { id?: unknown; attempt?: unknown }[]) {
      if (typeof row.id === 'string' && typeof row.attempt === 'number') attempts.set(row.id, row.attempt);
    }
  }
  return attempts;
}

/** When TaskRoom could not take the runs, they must not sit queued forever. */
export async function failRuns(db: Db, runIds: string[], error: string, now: number): Promise<void> {
  await db.update(runs).set({ status: 'failed', error, finishedAt: now, updatedAt: now })
    .where(and(inArray(runs.id, runIds), eq(runs.status, 'queued')));
}

/** What the LLM gateway needs about a run: the run, its task's owner, and the task's budget and spend. */
export interface GatewayRun {
  run: RunRow;
  userId: string;
  task: { budgetMicros: number | null; costMicros: number };
}

export async function getGatewayRun(db: Db, runId: string): Promise<GatewayRun | undefined> {
  const row = await db.select({ run: runs, userId: tasks.userId, taskBudget: tasks.budgetMicros, taskCost: tasks.costMicros })
    .from(runs).innerJoin(tasks, eq(tasks.id, runs.taskId))
    .where(eq(runs.id, runId)).get();
  return row && { run: row.run, userId: row.userId, task: { budgetMicros: row.taskBudget, costMicros: row.taskCost } };
}
