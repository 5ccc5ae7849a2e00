/** Tasks and their conversation, scoped to the task's owner. */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { MessageRow, TaskRow } from '../rows.ts';
import { messages, tasks } from '../schema.ts';

export async function listTasks(db: Db, userId: string): Promise<TaskRow[]> {
  return db.select().from(tasks).where(eq(tasks.userId, userId)).orderBy(desc(tasks.updatedAt), desc(tasks.createdAt), sql`rowid desc`).limit(500);
}

export async function getTask(db: Db, userId: string, id: string): Promise<TaskRow | undefined> {
  return db.select().from(tasks).where(and(eq(tasks.id, id), eq(tasks.userId, userId))).get();
}

/** Task and its first user message land together or not at all. */
export async function insertTaskWithMessage(db: Db, task: TaskRow, message: MessageRow): Promise<void> {
  await db.batch([db.insert(tasks).values(task), db.insert(messages).values(message)]);
}

export async function insertMessage(db: Db, message: MessageRow): Promise<void> {
  await db.batch([
    db.insert(messages).values(message),
    db.update(tasks).set({ updatedAt: message.createdAt }).where(eq(tasks.id, message.taskId)),
  ]);
}

export async function listMessages(db: Db, taskId: string): Promise<MessageRow[]> {
  // rowid breaks ties between messages created in the same millisecond.
  return db.select().from(messages).where(eq(messages.taskId, taskId)).orderBy(asc(messages.createdAt), sql`rowid`);
}

export async function setWinner(db: Db, taskId: string, runId: string): Promise<void> {
  await db.update(tasks).set({ winnerRunId: runId, updatedAt: Date.now() }).where(eq(tasks.id, taskId));
}
