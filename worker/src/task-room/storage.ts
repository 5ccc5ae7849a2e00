/**
 * TaskRoom's storage handle and its migrations (schema.ts → drizzle/), applied on wake.
 * Rooms created before versioned migrations are adopted (durable/storage.ts): the oldest of them,
 * from before issue 3, lack four run columns that the first migration has, so those are added
 * first. That list is frozen; new columns come as migrations.
 */
import { migrateDoStorage, openDoDb, type DoDb, type LegacyLayout } from '../durable/storage.ts';
import migrations from './drizzle/migrations.js';

export type RoomDb = DoDb;

const PRE_ISSUE_3_MISSING: [string, string][] = [
  ['fail_reason', 'TEXT'],
  ['first_token_at', 'INTEGER'],
  ['no_runner_deadline', 'INTEGER'],
  ['socket_gone_at', 'INTEGER'],
];

function addPreIssue3Columns(sql: SqlStorage): void {
  const have = new Set(sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('runs')`).toArray().map((r) => r.name));
  for (const [name, type] of PRE_ISSUE_3_MISSING) {
    if (!have.has(name)) sql.exec(`ALTER TABLE runs ADD COLUMN ${name} ${type}`);
  }
}

/** A room from before versioned migrations: it has `runs`, and maybe not the pre-issue-3 columns. */
export const legacyRoom: LegacyLayout = { table: 'runs', upgrade: addPreIssue3Columns };

export function openRoomDb(ctx: DurableObjectState): RoomDb {
  return openDoDb(ctx.storage);
}

export function migrateRoomDb(ctx: DurableObjectState): Promise<void> {
  return migrateDoStorage(ctx.storage, migrations, legacyRoom);
}
