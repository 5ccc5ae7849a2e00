/** Bearer API tokens for scripts; stored as SHA-256, shown once at creation. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { ApiTokenRow, UserRow } from '../rows.ts';
import { apiTokens, users } from '../schema.ts';

export async function insertApiToken(db: Db, t: Omit<ApiTokenRow, 'lastUsedAt'>): Promise<void> {
  await db.insert(apiTokens).values(t);
}

export async function findTokenUser(db: Db, tokenHash: string): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
  return db.select({ token: apiTokens, user: users }).from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, tokenHash)).get();
}

export async function touchApiToken(db: Db, id: string, now: number): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

export async function deleteApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const res = await db.delete(apiTokens).where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId))).run();
  return res.meta.changes > 0;
}
