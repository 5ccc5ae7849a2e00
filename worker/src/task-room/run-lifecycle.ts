/**
 * Applies run status changes. `transition()` from protocol/ is the only judge; this module adds
 * the bookkeeping each status implies (lease, runner, timings, error), stores the change and
 * appends its `status` event in the same synchronous step. Callers run it inside
 * `transactionSync`, then broadcast the returned events and call `room.d1.flush()` to mirror the
 * run and its task's status in D1 (d1-sync.ts).
 */
import { isTerminal, transition } from '../../../protocol/src/index.ts';
import type { RunEvent, RunStatus, StoredEvent } from '../../../protocol/src/index.ts';
import { appendEvents } from './event-log.ts';
import type { Room } from './room.ts';
import { updateRun } from './run-store.ts';
import type { RunPatch, RunState } from './run-store.ts';

/** A queued run that could not be handed to the pool is offered again after this long. */
export const OFFER_RETRY_MS = 10_000;

export interface StatusChange {
  to: RunStatus;
  reason?: string;
  /** The runner's own `status` event, stored as is instead of a synthesized one. */
  event?: RunEvent;
  /** Extra fields to write with the change (e.g. the new assignment on claim). */
  patch?: RunPatch;
}

export type Applied = { ok: true; events: StoredEvent[] } | { ok: false; reason: string };

function implied(run: RunState, change: StatusChange, now: number): RunPatch {
  const { to, reason } = change;
  if (isTerminal(to)) {
    return {
      finishedAt: now,
      leaseUntil: null,
      cancelDeadline: null,
      offerRetryAt: null,
      error: to === 'succeeded' ? null : (reason ?? run.error ?? to),
    };
  }
  if (to === 'lost') return { leaseUntil: null };
  if (to === 'queued') return { runnerId: null, leaseUntil: null, offerRetryAt: now + OFFER_RETRY_MS };
  return {};
}

/** Apply `run.status → change.to` if legal. Mutates `run`. Must run inside a transaction. */
export function applyStatus(room: Room, run: RunState, change: StatusChange, now = Date.now()): Applied {
  const verdict = transition(run.status, change.to);
  if (!verdict.ok) return verdict;
  updateRun(room.db, run, { ...implied(run, change, now), ...change.patch, status: change.to });
  const event: RunEvent = change.event ?? {
    type: 'status',
    runId: run.runId,
    ts: now,
    status: change.to,
    ...(change.reason ? { reason: change.reason } : {}),
  };
  return { ok: true, events: appendEvents(room.db, [event]) };
}

/** A `log` event TaskRoom writes about a run (e.g. an ignored status report). */
export function logEvent(runId: string, level: 'info' | 'warn' | 'error', message: string, ts = Date.now()): RunEvent {
  return { type: 'log', runId, ts, level, message };
}
