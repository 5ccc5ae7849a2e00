/**
 * Stores one frame's events for a run (docs/architecture.md §5). Runs inside the caller's transaction. Each
 * event is forced onto the socket's run, then:
 * - `status` preparing/running/finishing is applied through transition(); anything else (an
 *   illegal step, or a status only TaskRoom may set) is stored as a `log` warn event instead;
 * - `result` is stored, kept on the run for D1, and its outcome ends the run — except that a run
 *   stopped for its budget ends `failed` (stop-reason.ts) when the runner reports it cancelled or
 *   failed;
 * - the first `text` or `tool_call` of the assignment stamps `firstTokenAt` (time to first token);
 * - every other event is stored as is.
 * Returns the stored events, in seq order, for the ack-then-broadcast that follows.
 */
import type { RunEvent, RunStatus, StoredEvent } from '../../../protocol/src/index.ts';
import { isTerminal } from '../../../protocol/src/index.ts';
import { appendEvents } from './event-log.ts';
import { redactEvent } from './redact-event.ts';
import type { Room } from './room.ts';
import { applyStatus, logEvent } from './run-lifecycle.ts';
import { updateRun } from './run-store.ts';
import type { RunState } from './run-store.ts';
import { stopChange } from './stop-reason.ts';

/** The statuses a runner may report; the rest are decided by TaskRoom. */
const RUNNER_STATUSES: readonly RunStatus[] = ['preparing', 'running', 'finishing'];

/**
 * The runner's timestamp corrects for batching delay, but its clock is not ours: trust it only
 * between the assignment (our clock) and now.
 */
function firstTokenTime(run: RunState, ts: number, now: number): number {
  return Math.min(now, Math.max(run.startedAt ?? now, ts));
}

export function ingestFrame(room: Room, run: RunState, events: readonly RunEvent[], now: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  const append = (ev: RunEvent) => out.push(...appendEvents(room.db, [ev]));
  const warn = (ts: number, message: string) => append(logEvent(run.runId, 'warn', message, ts));

  for (const raw of events) {
    const ev = redactEvent({ ...raw, runId: run.runId } as RunEvent);
    if (ev.type === 'status') {
      if (!RUNNER_STATUSES.includes(ev.status)) {
        warn(ev.ts, `ignored status ${ev.status}: a runner reports only ${RUNNER_STATUSES.join(', ')}`);
        continue;
      }
      const res = applyStatus(room, run, { to: ev.status, reason: ev.reason, event: ev }, now);
      if (res.ok) out.push(...res.events);
      else warn(ev.ts, `ignored status ${ev.status}: ${res.reason}`);
    } else if (ev.type === 'result') {
      if (isTerminal(run.status)) {
        warn(ev.ts, `ignored result: run is already ${run.status}`);
        continue;
      }
      append(ev);
      updateRun(room.db, run, { result: ev.result, resultMessageId: crypto.randomUUID() });
      const outcome = ev.result.outcome;
      const change = run.failReason && outcome !== 'succeeded' ? stopChange(run, ev.result.error) : { to: outcome, reason: ev.result.error };
      const res = applyStatus(room, run, change, now);
      if (res.ok) out.push(...res.events);
      else warn(ev.ts, `result outcome not applied: ${res.reason}`);
    } else {
      if ((ev.type === 'text' || ev.type === 'tool_call') && run.firstTokenAt === null) {
        updateRun(room.db, run, { firstTokenAt: firstTokenTime(run, ev.ts, now) });
      }
      append(ev);
    }
  }
  return out;
}
