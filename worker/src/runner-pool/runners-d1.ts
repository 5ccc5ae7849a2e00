/**
 * Mirrors what a runner announced into its D1 `runners` row (listed by GET /v1/runners).
 * Failures are logged and ignored: the pool keeps working from its sockets' attachments.
 */
import { drizzle } from 'drizzle-orm/d1';
import { eq } from 'drizzle-orm';
import { runners } from '../db/schema.ts';

export async function recordHello(db: D1Database, runnerId: string, executors: string[], protocolVersion: number, now: number): Promise<void> {
  await write(db, runnerId, { executors: JSON.stringify(executors), protocolVersion, lastSeenAt: now });
}

export async function recordSeen(db: D1Database, runnerId: string, now: number): Promise<void> {
  await write(db, runnerId, { lastSeenAt: now });
}

async function write(db: D1Database, runnerId: string, set: Partial<typeof runners.$inferInsert>): Promise<void> {
  try {
    await drizzle(db).update(runners).set(set).where(eq(runners.id, runnerId));
  } catch (err) {
    console.error('runner-pool: D1 runners update failed', runnerId, String(err));
  }
}
