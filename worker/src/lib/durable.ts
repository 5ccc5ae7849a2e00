/**
 * Stubs of the two Durable Object namespaces, and a wrapper that turns a failed RPC into a
 * clean 503 JSON error instead of a 500 with the DO's stack.
 */
import type { Env } from '../env.ts';
import { HttpError } from './errors.ts';

export function taskRoomStub(env: Env, taskId: string) {
  return env.TASK_ROOM.get(env.TASK_ROOM.idFromName(taskId));
}

export function runnerPoolStub(env: Env, pool: string) {
  return env.RUNNER_POOL.get(env.RUNNER_POOL.idFromName(pool));
}

const UNAVAILABLE = { 'task room': 'task_room_unavailable', 'runner pool': 'runner_pool_unavailable', 'user feed': 'user_feed_unavailable' } as const;

export async function callDurable<T>(what: keyof typeof UNAVAILABLE, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    console.error(`${what} call failed:`, err instanceof Error ? err.message : String(err));
    throw new HttpError(503, UNAVAILABLE[what], `the ${what} could not handle the request; try again`);
  }
}
