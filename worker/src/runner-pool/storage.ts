/**
 * RunnerPool's storage handle and its migrations (schema.ts → drizzle/), applied on wake. Pools
 * created before versioned migrations already have the first migration's `offers` table and
 * are adopted as they are (durable/storage.ts).
 */
import { migrateDoStorage, openDoDb, type DoDb } from '../durable/storage.ts';
import migrations from './drizzle/migrations.js';

export type PoolDb = DoDb;

export function openPoolDb(ctx: DurableObjectState): PoolDb {
  return openDoDb(ctx.storage);
}

export function migratePoolDb(ctx: DurableObjectState): Promise<void> {
  return migrateDoStorage(ctx.storage, migrations, { table: 'offers' });
}
