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

export async function callDurable<T>(what: 'task room' | 'runner pool', fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    console.error(`${what} call failed:`, err instanceof Error ? err.message : String(err));
    const code = what === 'task room' ? 'task_room_unavailable' : 'runner_pool_unavailable';
    throw new HttpError(503, code, `the ${what} could not handle the request; try again`);
  }
}
