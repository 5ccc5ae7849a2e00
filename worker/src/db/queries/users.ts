/** Users: the first-run owner and lookups by email / id. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { UserRow } from '../rows.ts';
import { users } from '../schema.ts';

export async function hasAnyUser(db: Db): Promise<boolean> {
  const row = await db.select({ n: sql<number>`1` }).from(users).limit(1).get();
  return row !== undefined;
}

/**
 * Inserts the owner only while the table is empty, in one statement, so two racing setup
 * requests cannot both create an owner. Returns null if a user already existed.
 */
export async function createOwnerIfNone(
  d1: D1Database,
  u: { id: string; email: string; passwordHash: string; passwordSalt: string; createdAt: number },
): Promise<UserRow | null> {
  const res = await d1.prepare(
    `INSERT INTO users (id, email, password_hash, password_salt, role, created_at)
     SELECT ?1, ?2, ?3, ?4, 'owner', ?5 WHERE NOT EXISTS (SELECT 1 FROM users)`,
  ).bind(u.id, u.email, u.passwordHash, u.passwordSalt, u.createdAt).run();
  if (!res.meta.changes) return null;
  return { ...u, role: 'owner' };
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.email, email)).get();
}

export async function setPassword(db: Db, userId: string, hash: string, salt: string): Promise<void> {
  await db.update(users).set({ passwordHash: hash, passwordSalt: salt }).where(eq(users.id, userId));
}
