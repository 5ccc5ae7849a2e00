/** Runners and registration tokens (both stored as SHA-256 digests of their secrets). */
import { desc, eq } from 'drizzle-orm';
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

export async function touchRunner(db: Db, id: string, now: number): Promise<void> {
  await db.update(runners).set({ lastSeenAt: now }).where(eq(runners.id, id));
}
