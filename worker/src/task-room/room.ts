/**
 * The context every TaskRoom module works on: the DO state, its env, its SQLite (drizzle, storage.ts)
 * and the D1 write-back queue. Built once per instance (again after each wake from hibernation).
 */
import type { Env } from '../env.ts';
import { D1Sync } from './d1-sync.ts';
import { D1_RETRY_MS, armAlarm } from './leases.ts';
import { getMeta } from './meta.ts';
import { openRoomDb, type RoomDb } from './storage.ts';
import { publishTask } from '../user-feed/publish.ts';

export interface Room {
  ctx: DurableObjectState;
  env: Env;
  db: RoomDb;
  d1: D1Sync;
}

export function createRoom(ctx: DurableObjectState, env: Env): Room {
  const db = openRoomDb(ctx);
  const room: Room = { ctx, env, db, d1: new D1Sync(db, env.DB, () => armAlarm(room, Date.now() + D1_RETRY_MS), (row) => publishTask(env, row)) };
  return room;
}

export function taskIdOf(room: Room): string {
  const taskId = getMeta(room.db, 'task_id');
  if (!taskId) throw new Error('task room has no task yet');
  return taskId;
}
