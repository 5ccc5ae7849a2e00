/**
 * cancelRun (DESIGN §6). Queued or lost runs are cancelled on the spot (a queued one is also
 * withdrawn from the pool). A leased run gets `cancel_requested` and a deadline: the `cancel`
 * message goes down its run socket now, or in `attached` when the runner (re)connects; the
 * runner's `result` with outcome cancelled ends the run, and the alarm cancels it itself if the
 * runner does not confirm within LIMITS.cancelDeadlineMs. Terminal runs are left as they are.
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

export const CANCEL_REASON = 'cancelled by user';

export async function cancelRun(room: Room, runId: string): Promise<RunStatus> {
  const run = getRun(room.sql, runId);
  if (!run) throw new Error(`unknown run ${runId}`);
  if (isTerminal(run.status)) return run.status;
  const now = Date.now();

  if (!isLeased(run.status)) {
    const wasQueued = run.status === 'queued';
    let events: StoredEvent[] = [];
    room.ctx.storage.transactionSync(() => {
      const res = applyStatus(room, run, { to: 'cancelled', reason: CANCEL_REASON }, now);
      if (res.ok) events = res.events;
    });
    broadcast(room.ctx, events);
    await room.d1.flush();
    if (wasQueued) await withdrawRun(room, runId);
    return run.status;
  }

  if (!run.cancelRequested) {
    const deadline = now + LIMITS.cancelDeadlineMs;
    const events = room.ctx.storage.transactionSync(() => {
      updateRun(room.sql, run, { cancelRequested: true, cancelDeadline: deadline }, { sync: false });
      return appendEvents(room.sql, [logEvent(runId, 'info', 'cancel requested', now)]);
    });
    sendToRun(room.ctx, runId, run.assignment, { type: 'cancel', reason: CANCEL_REASON });
    broadcast(room.ctx, events);
    await armAlarm(room, deadline);
  }
  return run.status;
}
