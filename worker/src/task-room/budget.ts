/**
 * budgetExceeded (issue 3): the LLM gateway saw a run (or its task) reach its budget. A queued or
 * lost run — no runner is on it — fails on the spot (a queued one is withdrawn from the pool). A
 * leased run is stopped like cancelRun does it (the `cancel` message now or on reconnect, the
 * cancel deadline on the alarm), with the reason remembered so that however it then ends it is
 * `failed` with `budget exceeded: <reason>` (stop-reason.ts). Repeated calls change nothing more;
 * a user's cancel already under way is left to end the run `cancelled`.
 */
import { LIMITS, isLeased, isTerminal } from '../../../protocol/src/index.ts';
import type { RunStatus, StoredEvent } from '../../../protocol/src/index.ts';
import { appendEvents } from './event-log.ts';
import { broadcast } from './fanout.ts';
import { armAlarm } from './leases.ts';
import { withdrawRun } from './pool-client.ts';
import type { Room } from './room.ts';
import { applyStatus, logEvent } from './run-lifecycle.ts';
import { sendToRun } from './run-sockets.ts';
import { getRun, updateRun } from './run-store.ts';

/** Returns the run's status after the call, or null for a run this room does not know. */
export async function budgetExceeded(room: Room, runId: string, reason: string): Promise<RunStatus | null> {
  const run = getRun(room.sql, runId);
  if (!run) return null;
  if (isTerminal(run.status) || run.failReason || run.cancelRequested) return run.status;
  const failReason = `budget exceeded: ${reason}`.slice(0, 1000);
  const now = Date.now();

  if (!isLeased(run.status)) {
    const wasQueued = run.status === 'queued';
    let events: StoredEvent[] = [];
    room.ctx.storage.transactionSync(() => {
      const res = applyStatus(room, run, { to: 'failed', reason: failReason }, now);
      if (res.ok) events = res.events;
    });
    broadcast(room.ctx, events);
    await room.d1.flush();
    if (wasQueued) await withdrawRun(room, runId);
    return run.status;
  }

  const deadline = now + LIMITS.cancelDeadlineMs;
  const events = room.ctx.storage.transactionSync(() => {
    updateRun(room.sql, run, { cancelRequested: true, cancelDeadline: deadline, failReason }, { sync: false });
    return appendEvents(room.sql, [logEvent(runId, 'warn', `stopping: ${failReason}`, now)]);
  });
  sendToRun(room.ctx, runId, run.assignment, { type: 'cancel', reason: failReason });
  broadcast(room.ctx, events);
  await armAlarm(room, deadline);
  return run.status;
}
