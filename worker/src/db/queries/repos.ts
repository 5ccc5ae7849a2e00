/** Repos, scoped to their owner. A repo with tasks is kept (tasks reference it). */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { RepoRow } from '../rows.ts';
import { repos, tasks } from '../schema.ts';

export async function listRepos(db: Db, userId: string): Promise<RepoRow[]> {
  return db.select().from(repos).where(eq(repos.userId, userId)).orderBy(desc(repos.createdAt));
}

export async function getRepo(db: Db, userId: string, id: string): Promise<RepoRow | undefined> {
  return db.select().from(repos).where(and(eq(repos.id, id), eq(repos.userId, userId))).get();
}

export async function insertRepo(db: Db, row: RepoRow): Promise<void> {
  await db.insert(repos).values(row);
}

export async function updateRepo(db: Db, userId: string, id: string, patch: Partial<Pick<RepoRow, 'displayName' | 'defaultBranch' | 'sandbox' | 'allowWorkflowChanges'>>): Promise<RepoRow | undefined> {
  return db.update(repos).set(patch).where(and(eq(repos.id, id), eq(repos.userId, userId))).returning().get();
}

export async function repoHasTasks(db: Db, repoId: string): Promise<boolean> {
  return (await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.repoId, repoId)).limit(1).get()) !== undefined;
}

export async function deleteRepo(db: Db, userId: string, id: string): Promise<boolean> {
  const res = await db.delete(repos).where(and(eq(repos.id, id), eq(repos.userId, userId))).run();
  return res.meta.changes > 0;
}
