/** Model profiles, always scoped to their owner. */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { ModelProfileRow } from '../rows.ts';
import { modelProfiles } from '../schema.ts';

export async function listModelProfiles(db: Db, userId: string): Promise<ModelProfileRow[]> {
  return db.select().from(modelProfiles).where(eq(modelProfiles.userId, userId)).orderBy(desc(modelProfiles.createdAt));
}

export async function getModelProfile(db: Db, userId: string, id: string): Promise<ModelProfileRow | undefined> {
  return db.select().from(modelProfiles).where(and(eq(modelProfiles.id, id), eq(modelProfiles.userId, userId))).get();
}

/** Unscoped: the LLM gateway resolves the profile of a run it already authorised. */
export async function getModelProfileById(db: Db, id: string): Promise<ModelProfileRow | undefined> {
  return db.select().from(modelProfiles).where(eq(modelProfiles.id, id)).get();
}

export async function insertModelProfile(db: Db, row: ModelProfileRow): Promise<void> {
  await db.insert(modelProfiles).values(row);
}

export async function updateModelProfile(db: Db, row: ModelProfileRow): Promise<void> {
  const { id, userId, ...rest } = row;
  await db.update(modelProfiles).set(rest).where(and(eq(modelProfiles.id, id), eq(modelProfiles.userId, userId)));
}

export async function deleteModelProfile(db: Db, userId: string, id: string): Promise<boolean> {
  const res = await db.delete(modelProfiles).where(and(eq(modelProfiles.id, id), eq(modelProfiles.userId, userId))).run();
  return res.meta.changes > 0;
}
