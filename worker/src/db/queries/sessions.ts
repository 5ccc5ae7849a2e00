/** Browser sessions: the row id is SHA-256 of the cookie value, never the value itself. */
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { UserRow } from '../rows.ts';
import { sessions, users } from '../schema.ts';

export async function insertSession(db: Db, s: { id: string; userId: string; expiresAt: number; createdAt: number }): Promise<void> {
  // Opportunistic cleanup of this user's expired sessions keeps the table from growing forever.
  await db.batch([
    db.delete(sessions).where(and(eq(sessions.userId, s.userId), lt(sessions.expiresAt, s.createdAt))),
    db.insert(sessions).values(s),
  ]);
}

export async function findSessionUser(db: Db, idHash: string, now: number): Promise<UserRow | undefined> {
  const row = await db.select({ user: users }).from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, idHash), gt(sessions.expiresAt, now))).get();
  return row?.user;
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, idHash));
}

/** Ends every session of a user (a password change). */
export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
