// drizzle-kit's durable-sqlite output imports each migration's SQL as a text module
// (wrangler.toml `[[rules]]` type Text for **/*.sql), and exports the bundle the migrator reads.
declare module '*.sql' {
  const sql: string;
  export default sql;
}
declare module '*/drizzle/migrations.js' {
  import type { DoMigrations } from './durable/storage.ts';
  const bundle: DoMigrations;
  export default bundle;
}
