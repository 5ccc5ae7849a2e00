/**
 * TaskRoom's SQLite schema (DO storage). Created idempotently in the constructor: `sql.exec` is
 * synchronous, so no request can run before the tables exist.
 *
 * - meta:   key/value (task_id).
 * - events: the task's event log; `seq` is gapless per task (assigned in event-log.ts).
 * - runs:   per-run state (run-store.ts); columns added later are ALTERed in on wake. `version` counts changes that D1 must see and
 *           `synced_version` what D1 has; d1-sync.ts closes the gap.
 */
const DDL = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS events (
     seq INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL,
     data TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS runs (
     run_id TEXT PRIMARY KEY,
     spec TEXT NOT NULL,
     status TEXT NOT NULL,
     assignment INTEGER NOT NULL DEFAULT 0,
     runner_id TEXT,
     retries INTEGER NOT NULL DEFAULT 0,
     last_frame INTEGER NOT NULL DEFAULT 0,
     lease_until INTEGER,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     cancel_deadline INTEGER,
     offer_retry_at INTEGER,
     started_at INTEGER,
     finished_at INTEGER,
     error TEXT,
     result TEXT,
     result_message_id TEXT,
     fail_reason TEXT,
     first_token_at INTEGER,
     no_runner_deadline INTEGER,
     socket_gone_at INTEGER,
     version INTEGER NOT NULL DEFAULT 1,
     synced_version INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   )`,
];

/** Columns added after rooms already existed (issue 3): added on wake when missing. */
const ADDED_RUN_COLUMNS: [string, string][] = [
  ['fail_reason', 'TEXT'],
  ['first_token_at', 'INTEGER'],
  ['no_runner_deadline', 'INTEGER'],
  ['socket_gone_at', 'INTEGER'],
];

export function ensureSchema(sql: SqlStorage): void {
  for (const stmt of DDL) sql.exec(stmt);
  const have = new Set(sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('runs')`).toArray().map((r) => r.name));
  for (const [name, type] of ADDED_RUN_COLUMNS) {
    if (!have.has(name)) sql.exec(`ALTER TABLE runs ADD COLUMN ${name} ${type}`);
  }
}

export function getMeta(sql: SqlStorage, key: string): string | null {
  const rows = sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray();
  return rows[0]?.value ?? null;
}

export function setMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
}
