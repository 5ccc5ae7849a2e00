/**
 * Lease deadlines and the one alarm that multiplexes every TaskRoom deadline (docs/architecture.md §5, §6):
 * run leases, cancel deadlines, offer retries and D1 write-back retries. All deadlines live in
 * the runs table, so the alarm is just "the earliest of them"; the handler (alarm.ts) recomputes
 * it from storage and is therefore idempotent. Renewing a lease only moves a deadline later, so
 * it never needs to touch the alarm: an alarm that fires early finds nothing due and re-arms.
 */
import { LIMITS } from '../../../protocol/src/index.ts';
import type { Env } from '../env.ts';
import type { Room } from './room.ts';
import { hasUnsynced, nextDeadline, updateRun } from './run-store.ts';
import type { RunState } from './run-store.ts';

/** After a failed D1 write-back the alarm retries this much later. */
export const D1_RETRY_MS = 5_000;

export function leaseMs(env: Env): number {
  const ms = Number(env.DURSOR_LEASE_MS || LIMITS.defaultLeaseMs);
  return Number.isFinite(ms) && ms > 0 ? ms : LIMITS.defaultLeaseMs;
}

/** Push the run's lease to now + leaseMs (its runner is connected: no grace pending). Not a D1 change. */
export function renewLease(room: Room, run: RunState, now = Date.now()): void {
  updateRun(room.db, run, { leaseUntil: now + leaseMs(room.env), socketGoneAt: null }, { sync: false });
}

/** Make sure the alarm fires no later than `at`. */
export async function armAlarm(room: Room, at: number): Promise<void> {
  const current = await room.ctx.storage.getAlarm();
  if (current === null || current > at) await room.ctx.storage.setAlarm(at);
}

/** Set the alarm to the earliest pending deadline (or clear it when nothing is pending). */
export async function rearmAlarm(room: Room, now = Date.now()): Promise<void> {
  const candidates = [nextDeadline(room.db)];
  if (hasUnsynced(room.db)) candidates.push(now + D1_RETRY_MS);
  const at = candidates.filter((t): t is number => t !== null).reduce<number | null>((a, b) => (a === null || b < a ? b : a), null);
  if (at === null) await room.ctx.storage.deleteAlarm();
  else await room.ctx.storage.setAlarm(at);
}
