/**
 * A Durable Object's own SQLite through drizzle (`drizzle-orm/durable-sqlite`): the handle every
 * storage module takes, and the versioned migrations each DO applies when it wakes. The
 * migrations are drizzle-kit's output for the DO's schema (its `drizzle/migrations.js`, which
 * imports the `.sql` files as text: wrangler.toml's `[[rules]]`), applied in one transaction.
 *
 * Stores written before the DOs had versioned migrations hold exactly the first migration's
 * tables but no drizzle journal, so the first migration would fail on them ("table exists").
 * They are adopted instead: brought to the first migration's layout by `legacy.upgrade` and
 * recorded as having applied it; every later migration then runs on them as on any other store.
 */
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite';
import { migrate } from 'drizzle-orm/durable-sqlite/migrator';

export type DoDb = DrizzleSqliteDODatabase;

/** drizzle-kit's `migrations.js` for one DO. */
export interface DoMigrations {
  journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
  migrations: Record<string, string>;
}

/** How to recognise and adopt a store from before versioned migrations. */
export interface LegacyLayout {
  /** A table every such store has. */
  table: string;
  /** Brings any older variant of that layout up to the first migration's tables (idempotent). */
  upgrade?: (sql: SqlStorage) => void;
}

/** drizzle's journal of applied migrations; the DDL is the migrator's own. */
const JOURNAL = '__drizzle_migrations';
const JOURNAL_DDL = `CREATE TABLE IF NOT EXISTS ${JOURNAL} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`;

export function openDoDb(storage: DurableObjectStorage): DoDb {
  return drizzle(storage);
}

/**
 * A query built once per handle, for hot paths: drizzle builds a query's SQL on every call (tens
 * of µs for a wide select, more than SQLite takes to run it); a prepared one only binds its
 * placeholders (`sql.placeholder`, encoded like any value of its column).
 */
export function preparedPer<T>(build: (db: DoDb) => T): (db: DoDb) => T {
  const built = new WeakMap<DoDb, T>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) built.set(db, (query = build(db)));
    return query;
  };
}

/**
 * Apply the DO's pending migrations. Call from the constructor inside
 * `ctx.blockConcurrencyWhile`, so no request sees the store before it is current; if a
 * migration throws, nothing of it is kept and the object is reset.
 */
export async function migrateDoStorage(storage: DurableObjectStorage, bundle: DoMigrations, legacy?: LegacyLayout): Promise<void> {
  if (legacy) adoptLegacyLayout(storage, bundle, legacy);
  // drizzle's migrator rolls back on failure and throws only "Rollback"; remember the statement
  // it ran last so the error says which one failed.
  let last = '';
  const watched = drizzle(storage, { logger: { logQuery: (query) => void (last = query) } });
  try {
    await migrate(watched, bundle);
  } catch (err) {
    throw new Error(`storage migration failed (rolled back) at: ${last.replace(/\s+/g, ' ').trim().slice(0, 200)}`, { cause: err });
  }
}

function hasTable(sql: SqlStorage, name: string): boolean {
  return sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, name).toArray().length > 0;
}

function adoptLegacyLayout(storage: DurableObjectStorage, bundle: DoMigrations, legacy: LegacyLayout): void {
  const { sql } = storage;
  if (hasTable(sql, JOURNAL) || !hasTable(sql, legacy.table)) return;
  const first = bundle.journal.entries[0];
  storage.transactionSync(() => {
    legacy.upgrade?.(sql);
    sql.exec(JOURNAL_DDL);
    // The migrator skips every migration not newer than the latest recorded `created_at`.
    sql.exec(`INSERT INTO ${JOURNAL} (hash, created_at) VALUES ('', ?)`, first.when);
  });
}
