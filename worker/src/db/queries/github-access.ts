/**
 * D1 side of who may start rounds from GitHub comments (issue "Seal every attempt"): the owner's
 * allowlist of GitHub logins, and the commenters already told on a PR that they may not. Logins
 * are compared in lower case (GitHub's are case-insensitive) and shown as typed.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { githubAllowedLogins, githubRefusedCommenters } from '../schema.ts';

export type AllowedLoginRow = typeof githubAllowedLogins.$inferSelect;

const key = (login: string) => login.toLowerCase();

export async function listAllowedLogins(db: Db, userId: string): Promise<AllowedLoginRow[]> {
  return db.select().from(githubAllowedLogins).where(eq(githubAllowedLogins.userId, userId)).orderBy(asc(githubAllowedLogins.loginKey));
}

/** Adds `login` unless it is there (in any case); returns the stored row. */
export async function addAllowedLogin(db: Db, userId: string, login: string): Promise<AllowedLoginRow> {
  await db.insert(githubAllowedLogins).values({ userId, loginKey: key(login), login, createdAt: Date.now() }).onConflictDoNothing();
  return (await db.select().from(githubAllowedLogins)
    .where(and(eq(githubAllowedLogins.userId, userId), eq(githubAllowedLogins.loginKey, key(login)))).get())!;
}

export async function removeAllowedLogin(db: Db, userId: string, login: string): Promise<boolean> {
  const res = await db.delete(githubAllowedLogins)
    .where(and(eq(githubAllowedLogins.userId, userId), eq(githubAllowedLogins.loginKey, key(login)))).run();
  return res.meta.changes > 0;
}

export async function isAllowedLogin(db: Db, userId: string, login: string): Promise<boolean> {
  const row = await db.select({ k: githubAllowedLogins.loginKey }).from(githubAllowedLogins)
    .where(and(eq(githubAllowedLogins.userId, userId), eq(githubAllowedLogins.loginKey, key(login)))).get();
  return row !== undefined;
}

/** Records that `login` was told on this PR; false when it already was (no second reply). */
export async function firstRefusal(db: Db, prId: string, login: string): Promise<boolean> {
  const res = await db.insert(githubRefusedCommenters).values({ prId, loginKey: key(login), createdAt: Date.now() }).onConflictDoNothing().run();
  return res.meta.changes > 0;
}

/** Forgets a refusal whose reply could not be posted, so the next comment may try again. */
export async function forgetRefusal(db: Db, prId: string, login: string): Promise<void> {
  await db.delete(githubRefusedCommenters).where(and(eq(githubRefusedCommenters.prId, prId), eq(githubRefusedCommenters.loginKey, key(login))));
}
