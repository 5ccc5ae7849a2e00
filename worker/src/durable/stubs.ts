/**
 * The one way to reach a Durable Object (docs/architecture.md §1): a stub per namespace, named as
 * each DO is keyed (TaskRoom by task id, RunnerPool by pool name, UserFeed by user id), and a
 * wrapper that turns a failed call from a route into a clean 503 JSON error instead of a 500 with
 * the DO's stack. Used by the routes and by the DOs when they call each other.
 */
import type { Env } from '../env.ts';
import { HttpError } from '../lib/errors.ts';

/** Runs go to the `default` pool until tasks can choose one. */
export const DEFAULT_POOL = 'default';

export function taskRoomStub(env: Env, taskId: string) {
  return env.TASK_ROOM.get(env.TASK_ROOM.idFromName(taskId));
}

export function runnerPoolStub(env: Env, pool: string = DEFAULT_POOL) {
  return env.RUNNER_POOL.get(env.RUNNER_POOL.idFromName(pool));
}

export function userFeedStub(env: Env, userId: string) {
  return env.USER_FEED.get(env.USER_FEED.idFromName(userId));
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
