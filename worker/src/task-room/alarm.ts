/**
 * The alarm handler: everything that happens because time passed (docs/architecture.md §6).
 * - A run whose runner's socket closed and did not come back within the grace (run-socket.ts) is
 *   taken away only if another connected runner can start it now (the pool says); otherwise it
 *   keeps its full lease, so a runner cut off by a network outage carries on when it is back.
 * - Lease expired on a leased run → `lost` ("runner lost: lease expired"), its run sockets are
 *   closed with staleAssignment, then re-queued and offered again while retries <
 *   LIMITS.maxLostRetries, else `failed` ("runner lost after N attempts"). A run with a pending
 *   cancel goes to `cancelled` instead.
 * - Cancel deadline passed on a still-active run → `cancelled` ("runner did not confirm cancel"),
 *   or `failed` with the stored reason when it was stopped for its budget (stop-reason.ts).
 * - Queued runs whose offer to the pool failed are offered again; unsynced D1 rows are written.
 * - Queued runs that waited too long for a runner offering their agent fail (pool-client.ts).
 * Every decision is read from storage, so running it twice changes nothing more.
 */
import { CLOSE_CODES, LIMITS } from '../../../protocol/src/index.ts';
import type { StoredEvent } from '../../../protocol/src/index.ts';
import { broadcast } from './fanout.ts';
import { rearmAlarm } from './leases.ts';
import { expireNoRunner, offerRuns } from './pool-client.ts';
import { runnerPoolStub } from '../durable/stubs.ts';
import { leaseMs } from './leases.ts';
import type { Room } from './room.ts';
import { applyStatus } from './run-lifecycle.ts';
import type { StatusChange } from './run-lifecycle.ts';
import { closeRunSockets } from './run-sockets.ts';
import { dueCancels, dueLeases, dueOffers, updateRun } from './run-store.ts';
import type { RunState } from './run-store.ts';
import { stopChange } from './stop-reason.ts';

/** A grace that ran out while the run's full lease has not: still within what its runner was promised. */
const inGrace = (run: RunState, lease: number, now: number) => run.socketGoneAt !== null && run.socketGoneAt + lease > now;

/** Runs past their socket grace that another runner could start now (asked before the transaction). */
async function takeable(room: Room, now: number): Promise<Set<string>> {
  const out = new Set<string>();
  const lease = leaseMs(room.env);
  for (const run of dueLeases(room.db, now).filter((r) => inGrace(r, lease, now))) {
    try {
      if (await runnerPoolStub(room.env).canTake(run.spec.executor.id, run.runnerId)) out.add(run.runId);
    } catch (err) {
      console.error('task-room: could not ask the pool about a lost socket; keeping the lease', run.runId, String(err));
    }
  }
  return out;
}

export async function runAlarm(room: Room, now = Date.now()): Promise<void> {
  const take = await takeable(room, now);
  const lease = leaseMs(room.env);
  const events: StoredEvent[] = [];
  const ended: string[] = [];
  const toOffer = new Set<string>();
  const apply = (run: RunState, change: StatusChange) => {
    const res = applyStatus(room, run, change, now);
    if (res.ok) events.push(...res.events);
    return res.ok;
  };

  room.ctx.storage.transactionSync(() => {
    for (const run of dueLeases(room.db, now)) {
      const graced = inGrace(run, lease, now);
      if (graced && !take.has(run.runId)) {
        updateRun(room.db, run, { leaseUntil: run.socketGoneAt! + lease }, { sync: false });
        continue;
      }
      const reason = graced
        ? `runner lost: its connection closed and did not come back within ${LIMITS.runSocketGraceMs / 1000} s`
        : 'runner lost: lease expired';
      if (!apply(run, { to: 'lost', reason })) continue;
      ended.push(run.runId);
      if (run.cancelRequested) {
        apply(run, stopChange(run, 'runner lost while cancelling'));
      } else if (run.retries < LIMITS.maxLostRetries) {
        const retries = run.retries + 1;
        apply(run, { to: 'queued', reason: `re-queued after lost runner (retry ${retries} of ${LIMITS.maxLostRetries})`, patch: { retries } });
        toOffer.add(run.runId);
      } else {
        apply(run, { to: 'failed', reason: `runner lost after ${run.retries + 1} attempts` });
      }
    }
    for (const run of dueCancels(room.db, now)) {
      if (apply(run, stopChange(run, 'runner did not confirm cancel'))) ended.push(run.runId);
    }
    for (const run of dueOffers(room.db, now)) toOffer.add(run.runId);
  });

  for (const runId of ended) closeRunSockets(room.ctx, runId, CLOSE_CODES.staleAssignment, 'assignment ended');
  broadcast(room.ctx, events);
  await room.d1.flush();
  await offerRuns(room, [...toOffer]);
  await expireNoRunner(room, now);
  await room.d1.flush();
  await rearmAlarm(room);
}
