/**
 * Stopping a run, the one mechanism behind a user's cancel and a spent budget (docs/architecture.md §6). A run no
 * runner holds (queued or lost) ends on the spot with `end.to` (a queued one is also withdrawn from
 * the pool). A leased run gets `cancel_requested` and a deadline: the `cancel` message goes down its
 * run socket now, or in `attached` when the runner (re)connects; the runner's `result` ends it, and
 * the alarm ends it itself if the runner does not confirm within LIMITS.cancelDeadlineMs.
 * `failReason`, when given, decides how a leased run ends however it stops (stop-reason.ts).
 */
import { LIMITS, isLeased } from '../../../protocol/src/index.ts';
import type { RunStatus, StoredEvent } from '../../../protocol/src/index.ts';
import { appendEvents } from './event-log.ts';
import { broadcast } from './fanout.ts';
import { armAlarm } from './leases.ts';
import { withdrawRun } from './pool-client.ts';
import type { Room } from './room.ts';
import { applyStatus, logEvent } from './run-lifecycle.ts';
import { sendToRun } from './run-sockets.ts';
import { updateRun, type RunState } from './run-store.ts';

export interface StopRequest {
  /** How a run no runner holds ends right away. */
  to: 'cancelled' | 'failed';
  reason: string;
  /** Log line for a leased run being stopped. */
  log: { level: 'info' | 'warn'; message: string };
  failReason?: string;
}

/** Returns the run's status after the call (a leased run stays leased until its runner confirms). */
export async function stopRun(room: Room, run: RunState, stop: StopRequest): Promise<RunStatus> {
  const now = Date.now();
  if (!isLeased(run.status)) {
    const wasQueued = run.status === 'queued';
    let events: StoredEvent[] = [];
    room.ctx.storage.transactionSync(() => {
      const res = applyStatus(room, run, { to: stop.to, reason: stop.reason }, now);
      if (res.ok) events = res.events;
    });
    broadcast(room.ctx, events);
    await room.d1.flush();
    if (wasQueued) await withdrawRun(room, run.runId);
    return run.status;
  }
  if (run.cancelRequested) return run.status;
  const deadline = now + LIMITS.cancelDeadlineMs;
  const events = room.ctx.storage.transactionSync(() => {
    updateRun(room.db, run, { cancelRequested: true, cancelDeadline: deadline, ...(stop.failReason ? { failReason: stop.failReason } : {}) }, { sync: false });
    return appendEvents(room.db, [logEvent(run.runId, stop.log.level, stop.log.message, now)]);
  });
  sendToRun(room.ctx, run.runId, run.assignment, { type: 'cancel', reason: stop.reason });
  broadcast(room.ctx, events);
  await armAlarm(room, deadline);
  return run.status;
}
