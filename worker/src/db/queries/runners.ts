/** Runners and registration tokens (both stored as SHA-256 digests of their secrets). */
import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { RegistrationTokenRow, RunnerRow } from '../rows.ts';
import { registrationTokens, runners } from '../schema.ts';

export async function insertRegistrationToken(db: Db, row: RegistrationTokenRow): Promise<void> {
  await db.insert(registrationTokens).values(row);
}

export async function listRegistrationTokens(db: Db): Promise<RegistrationTokenRow[]> {
  return db.select().from(registrationTokens).orderBy(desc(registrationTokens.createdAt)).limit(200);
}

export async function findRegistrationToken(db: Db, tokenHash: string): Promise<RegistrationTokenRow | undefined> {
  return db.select().from(registrationTokens).where(eq(registrationTokens.tokenHash, tokenHash)).get();
}

export async function insertRunner(db: Db, row: RunnerRow): Promise<void> {
  await db.insert(runners).values(row);
}

export async function listRunnerRows(db: Db): Promise<RunnerRow[]> {
  return db.select().from(runners).orderBy(desc(runners.createdAt)).limit(500);
}

export async function findRunnerByCredential(db: Db, credentialHash: string): Promise<RunnerRow | undefined> {
  return db.select().from(runners).where(eq(runners.credentialHash, credentialHash)).get();
}

/** The runner whose current, pending or previous credential has this hash (see lib/runner-credential.ts). */
export async function findRunnerByAnyCredential(db: Db, credentialHash: string): Promise<RunnerRow | undefined> {
  return db.select().from(runners).where(or(
    eq(runners.credentialHash, credentialHash),
    eq(runners.pendingCredentialHash, credentialHash),
    eq(runners.previousCredentialHash, credentialHash),
  )).get();
}

/** Remember the credential just issued on a pool connection (replacing an unconfirmed one). */
export async function setPendingCredential(db: Db, id: string, pendingHash: string): Promise<void> {
  await db.update(runners).set({ pendingCredentialHash: pendingHash }).where(eq(runners.id, id));
}

/**
 * The runner saved its pending credential: it becomes current and the current one is retired.
 * Conditional on the pending hash still being `pendingHash`, so only the issuing connection's
 * confirm (or the first use of that credential) promotes it. `takenOverAt` is set when that
 * connection replaced a live one of the runner. True when it promoted.
 */
export async function promotePendingCredential(db: Db, id: string, pendingHash: string, takenOverAt: number | null): Promise<boolean> {
  const res = await db.update(runners)
    .set({ previousCredentialHash: sql`${runners.credentialHash}`, credentialHash: pendingHash, pendingCredentialHash: null, credentialTakenOverAt: takenOverAt })
    .where(and(eq(runners.id, id), eq(runners.pendingCredentialHash, pendingHash)))
    .run();
  return res.meta.changes > 0;
}

/**
 * Win-back: the runner came back with the credential a copy's connection retired. Every
 * credential it had becomes `burnedHash` (a hash of a secret nobody holds), so neither the copy's
 * nor the forked one opens anything again; the connection being admitted rotates at its hello.
 */
export async function winBackCredential(db: Db, id: string, previousHash: string, burnedHash: string, now: number): Promise<boolean> {
  const res = await db.update(runners)
    .set({ credentialHash: burnedHash, pendingCredentialHash: null, previousCredentialHash: null, credentialTakenOverAt: null, credentialConflictAt: now })
    .where(and(eq(runners.id, id), eq(runners.previousCredentialHash, previousHash)))
    .run();
  return res.meta.changes > 0;
}

export async function flagCredentialConflict(db: Db, id: string, now: number): Promise<void> {
  await db.update(runners).set({ credentialConflictAt: now }).where(eq(runners.id, id));
}

/** Removes a runner (its credentials with it); returns the row that was removed. */
export async function deleteRunner(db: Db, id: string): Promise<RunnerRow | undefined> {
  const [row] = await db.delete(runners).where(eq(runners.id, id)).returning();
  return row;
}

export async function touchRunner(db: Db, id: string, now: number): Promise<void> {
  await db.update(runners).set({ lastSeenAt: now }).where(eq(runners.id, id));
}
