/**
 * RunnerPool's SQLite schema (DO storage, drizzle): the queue of offered runs (offers.ts). Changed
 * only by the versioned migrations in drizzle/ (`npm run db:generate:do` after editing this
 * file), applied on wake by storage.ts; the first migration is the layout pools had before.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const offers = sqliteTable('offers', {
  runId: text('run_id').primaryKey(),
  taskId: text('task_id').notNull(),
  executor: text('executor').notNull(),
  createdAt: integer('created_at').notNull(),
  /** The runner the offer was handed to, set before the pool awaits TaskRoom.claim. */
  offeredTo: text('offered_to'),
  offeredAt: integer('offered_at'),
  /** Names the claim attempt, so later updates only touch the row if no re-offer replaced it. */
  claimId: text('claim_id'),
  assignment: integer('assignment'),
  /** Runners that declined the run; kept across re-offers so none is asked again. */
  rejectedBy: text('rejected_by', { mode: 'json' }).$type<string[]>().notNull().default([]),
});
