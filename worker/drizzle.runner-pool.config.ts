import { defineConfig } from 'drizzle-kit';

// RunnerPool's own SQLite: versioned migrations bundled into the Worker and applied on wake
// (worker/src/runner-pool/storage.ts). `npm run db:generate:do` after editing the schema.
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './worker/src/runner-pool/schema.ts',
  out: './worker/src/runner-pool/drizzle',
});
