/**
 * Telling a user's open tabs that one of their tasks changed (user-feed.ts). Best effort by
 * design: the tabs reload the list whenever their socket (re)connects, so a publish that fails
 * costs a stale badge until then, never a lost task — it must not fail the write it follows.
 */
import { toTask } from '../db/mappers.ts';
import type { TaskRow } from '../db/rows.ts';
import type { Env } from '../env.ts';
import { userFeedStub } from '../durable/stubs.ts';

export async function publishTask(env: Env, row: TaskRow): Promise<void> {
  try {
    await userFeedStub(env, row.userId).publish({ type: 'task', task: toTask(row) });
  } catch (err) {
    console.error('user feed: publish failed', row.id, err instanceof Error ? err.message : String(err));
  }
}
