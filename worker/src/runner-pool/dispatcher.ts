/**
 * dispatch(): hands waiting offers to runners (docs/architecture.md §1). FIFO over offers nobody holds; each
 * goes to a ready runner that has its executor, has not rejected it, and has free capacity
 * (slots − active runs − offers already handed to it and not yet accepted), most free first —
 * but not to a connection still in its takeover quiet (runner-sockets.ts, issue 11).
 *
 * The offer is marked `offered_to` BEFORE awaiting TaskRoom.claim, because the input gate opens
 * while this DO awaits another one and a second dispatch must not pick the same offer. claim
 * null → the run is no longer queued, drop the offer; else push `assign` to the runner's socket
 * (gone → release it). Re-entrant calls only set a dirty flag; the running dispatch loops again,
 * at most MAX_ROUNDS times per call.
 */
import { send } from '../../../protocol/src/index.ts';
import type { Assignment } from '../../../protocol/src/index.ts';
import { clearOffer, deleteOffer, markOffered, pendingOffers, setAssignment, unacceptedCounts } from './offers.ts';
import type { OfferRow } from './offers.ts';
import { taskRoomStub } from '../durable/stubs.ts';
import { releaseOffer } from './pool.ts';
import type { PoolBase } from './pool.ts';
import { inTakeoverQuiet, readyRunners, readySocketOf } from './runner-sockets.ts';
import type { LiveSocket } from './runner-sockets.ts';

const MAX_ROUNDS = 8;

interface Planned {
  offer: OfferRow;
  runnerId: string;
  claimId: string;
}

/** Each ready runner's free capacity: slots − active runs − offers handed to it and not yet accepted. */
export function freeSlots(pool: PoolBase, runners: Map<string, LiveSocket> = readyRunners(pool.ctx)): Map<string, number> {
  const held = unacceptedCounts(pool.db);
  const free = new Map<string, number>();
  for (const [id, { att }] of runners) free.set(id, att.slots - att.activeRuns.length - (held.get(id) ?? 0));
  return free;
}

/** Whether a ready runner other than `except` offers `executor` and has a free slot now. */
export function canTake(pool: PoolBase, executor: string, except: string | null): boolean {
  const runners = readyRunners(pool.ctx);
  const free = freeSlots(pool, runners);
  return [...runners].some(([id, { att }]) => id !== except && att.executors.includes(executor) && free.get(id)! > 0);
}

export class Dispatcher {
  #pool: PoolBase;
  #running = false;
  #dirty = false;

  constructor(pool: PoolBase) {
    this.#pool = pool;
  }

  async run(): Promise<void> {
    if (this.#running) {
      this.#dirty = true;
      return;
    }
    this.#running = true;
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        this.#dirty = false;
        await this.#round();
        if (!this.#dirty) break;
      }
    } finally {
      this.#running = false;
    }
  }

  /** Plan synchronously (marking offers), then claim and deliver in parallel. */
  async #round(): Promise<void> {
    const pool = this.#pool;
    const runners = readyRunners(pool.ctx);
    if (!runners.size) return;
    const free = freeSlots(pool, runners);

    const now = Date.now();
    const plan: Planned[] = [];
    for (const offer of pendingOffers(pool.db)) {
      let best: string | null = null;
      for (const [id, { att }] of runners) {
        if (!att.executors.includes(offer.executor) || offer.rejectedBy.includes(id)) continue;
        if (inTakeoverQuiet(att, now)) continue; // the pool's alarm dispatches again when it ends
        if (free.get(id)! > 0 && (best === null || free.get(id)! > free.get(best)!)) best = id;
      }
      if (best === null) continue;
      free.set(best, free.get(best)! - 1);
      const claimId = crypto.randomUUID();
      markOffered(pool.db, offer.runId, best, claimId, now);
      plan.push({ offer, runnerId: best, claimId });
    }
    await Promise.all(plan.map((p) => this.#deliver(p)));
  }

  async #deliver({ offer, runnerId, claimId }: Planned): Promise<void> {
    const pool = this.#pool;
    let assignment: Assignment | null;
    try {
      assignment = await taskRoomStub(pool.env, offer.taskId).claim(offer.runId, runnerId);
    } catch (err) {
      console.error('runner-pool: claim failed', offer.runId, String(err));
      // Leave it queued here; the next dispatch (a hello, capacity or offer) tries again.
      clearOffer(pool.db, offer.runId, claimId);
      return;
    }
    if (!assignment) {
      deleteOffer(pool.db, offer.runId, claimId);
      return;
    }
    const held = { runId: offer.runId, taskId: offer.taskId, claimId, assignment: assignment.assignment };
    if (!setAssignment(pool.db, offer.runId, claimId, assignment.assignment)) {
      // Re-offered or withdrawn while we claimed: this assignment is already superseded.
      await releaseOffer(pool, held, 'offer changed while it was being claimed');
      return;
    }
    const ws = readySocketOf(pool.ctx, runnerId);
    if (!ws || !send(ws, 'poolToRunner', { type: 'assign', assignment })) {
      await releaseOffer(pool, held, 'runner disconnected before the assignment was sent');
      this.#dirty = true;
    }
  }
}
