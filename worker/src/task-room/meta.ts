/** The room's key/value `meta` table (schema.ts): which task it is (`task_id`). */
import { eq } from 'drizzle-orm';
import type { RoomDb } from './storage.ts';
import { meta } from './schema.ts';

export function getMeta(db: RoomDb, key: string): string | null {
  return db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value ?? null;
}

export function setMeta(db: RoomDb, key: string, value: string): void {
  db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
}
