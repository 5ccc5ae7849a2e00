import { defineConfig } from 'drizzle-kit';

// TaskRoom's own SQLite (one per task): versioned migrations bundled into the Worker and applied
// on wake (worker/src/task-room/storage.ts). `npm run db:generate:do` after editing the schema.
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './worker/src/task-room/schema.ts',
  out: './worker/src/task-room/drizzle',
});
