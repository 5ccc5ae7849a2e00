/** A task's pull request and the checks GitHub reported for it. */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { PrCheckRow, PullRequestRow } from '../rows.ts';
import { prChecks, pullRequests, repos, tasks } from '../schema.ts';

export async function getTaskPr(db: Db, taskId: string): Promise<PullRequestRow | undefined> {
  return db.select().from(pullRequests).where(eq(pullRequests.taskId, taskId)).get();
}

/**
 * Stores the task's PR unless it already has one; returns the stored row either way (two racing
 * creates both end with the same PR).
 */
export async function insertTaskPr(db: Db, row: PullRequestRow): Promise<PullRequestRow> {
  await db.insert(pullRequests).values(row).onConflictDoNothing({ target: pullRequests.taskId });
  return (await getTaskPr(db, row.taskId))!;
}

export async function updatePr(db: Db, id: string, patch: Partial<Omit<PullRequestRow, 'id' | 'taskId'>>): Promise<void> {
  await db.update(pullRequests).set({ ...patch, updatedAt: Date.now() }).where(eq(pullRequests.id, id));
}

/** The dursor PR with this number in the GitHub repository `fullName`, with its task's owner. */
export async function findPrByGitHub(db: Db, fullName: string, number: number) {
  return db.select({ pr: pullRequests, userId: tasks.userId })
    .from(pullRequests)
    .innerJoin(repos, eq(repos.id, pullRequests.repoId))
    .innerJoin(tasks, eq(tasks.id, pullRequests.taskId))
    .where(and(eq(repos.githubFullName, fullName), eq(pullRequests.number, number)))
    .get();
}

/** Open dursor PRs of a repository whose head is `sha` (check runs and statuses name a commit). */
export async function findPrsByHead(db: Db, fullName: string, sha: string): Promise<PullRequestRow[]> {
  const rows = await db.select({ pr: pullRequests }).from(pullRequests)
    .innerJoin(repos, eq(repos.id, pullRequests.repoId))
    .where(and(eq(repos.githubFullName, fullName), eq(pullRequests.headSha, sha)));
  return rows.map((r) => r.pr);
}

export async function listChecks(db: Db, prId: string): Promise<PrCheckRow[]> {
  return db.select().from(prChecks).where(eq(prChecks.prId, prId)).orderBy(prChecks.name);
}

export async function upsertChecks(db: Db, rows: PrCheckRow[]): Promise<void> {
  const [first, ...rest] = rows.map((row) => db.insert(prChecks).values(row).onConflictDoUpdate({
    target: [prChecks.prId, prChecks.kind, prChecks.name],
    set: { status: row.status, conclusion: row.conclusion, url: row.url, headSha: row.headSha, updatedAt: row.updatedAt },
  }));
  if (first) await db.batch([first, ...rest]);
}

/** Checks of an older head no longer describe the PR. */
export async function clearChecks(db: Db, prId: string): Promise<void> {
  await db.delete(prChecks).where(eq(prChecks.prId, prId));
}
