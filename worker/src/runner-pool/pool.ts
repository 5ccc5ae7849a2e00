/**
 * The context every RunnerPool module works on, and the pool's calls into TaskRoom.
 */
import type { Env } from '../env.ts';
import { taskRoomStub } from '../durable/stubs.ts';
import type { Dispatcher } from './dispatcher.ts';
import { clearOffer } from './offers.ts';
import type { PoolDb } from './storage.ts';

export interface PoolBase {
  ctx: DurableObjectState;
  env: Env;
  db: PoolDb;
}
export interface Pool extends PoolBase {
  dispatcher: Dispatcher;
}

/**
 * Give an assignment back to TaskRoom (which re-queues the run and offers it again), then put
 * this pool's row back in the queue unless TaskRoom's re-offer already replaced it.
 */
export async function releaseOffer(pool: PoolBase, o: { runId: string; taskId: string; claimId: string; assignment: number }, reason: string): Promise<void> {
  try {
    await taskRoomStub(pool.env, o.taskId).release(o.runId, o.assignment, reason);
  } catch (err) {
    // The run's lease expires in TaskRoom and it is offered again from there.
    console.error('runner-pool: release failed', o.runId, String(err));
  }
  clearOffer(pool.db, o.runId, o.claimId);
}
