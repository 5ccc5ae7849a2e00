/**
 * TaskRoom's side of the RunnerPool contract: offer queued runs, withdraw cancelled ones. A run
 * is queued with `offer_retry_at` set (run-lifecycle.ts); a successful offer clears it, a failed
 * one leaves it for the alarm to retry, so a run is never stuck queued outside the pool.
 *
 * The pool answers whether any connected runner offers the run's agent. When none does, the run
 * gets a `no_runner_deadline` and a `log` event says so in words (issue 9: such a run used to wait
 * forever as "waiting for a runner with a free slot"); the alarm fails it at the deadline unless
 * a runner offering the agent turned up (alarm.ts asks the pool again then).
 */
import { EXECUTOR_NAMES, LIMITS } from '../../../protocol/src/index.ts';
import type { StoredEvent } from '../../../protocol/src/index.ts';
import type { Env } from '../env.ts';
import { runnerPoolStub } from '../durable/stubs.ts';
import { appendEvents } from './event-log.ts';
import { broadcast } from './fanout.ts';
import { armAlarm } from './leases.ts';
import type { Room } from './room.ts';
import { applyStatus, logEvent } from './run-lifecycle.ts';
import { getMeta } from './meta.ts';
import { dueNoRunner, getRun, updateRun } from './run-store.ts';
import type { RunState } from './run-store.ts';
import type { OfferReply } from './types.ts';

export function noRunnerWaitMs(env: Env): number {
  const ms = Number(env.DURSOR_NO_RUNNER_MS || LIMITS.noRunnerWaitMs);
  return Number.isFinite(ms) && ms > 0 ? ms : LIMITS.noRunnerWaitMs;
}

/** "No runner is connected" / "No connected runner offers Codex" — what the run is waiting for. */
export function noRunnerReason(run: RunState, reply: OfferReply): string {
  const agent = EXECUTOR_NAMES[run.spec.executor.id] ?? run.spec.executor.id;
  return reply.runners === 0 ? `no runner is connected to run ${agent}` : `no connected runner offers ${agent}`;
}

const minutes = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

/** Offer each still-queued run to the pool, in order (the pool is FIFO). */
export async function offerRuns(room: Room, runIds: readonly string[]): Promise<void> {
  const taskId = getMeta(room.db, 'task_id');
  if (!taskId) return;
  const events: StoredEvent[] = [];
  for (const runId of runIds) {
    const run = getRun(room.db, runId);
    if (!run || run.status !== 'queued') continue;
    let reply: OfferReply;
    try {
      reply = await runnerPoolStub(room.env).offer({ runId, taskId, executor: run.spec.executor.id });
    } catch (err) {
      console.error('task-room: offer to pool failed; the alarm retries', runId, String(err));
      continue;
    }
    events.push(...noteCoverage(room, runId, reply));
  }
  broadcast(room.ctx, events);
  if (events.length) await armAlarm(room, Date.now() + noRunnerWaitMs(room.env));
}

/** After an offer: clear the retry, and start or stop the no-runner wait. Returns the events it wrote. */
function noteCoverage(room: Room, runId: string, reply: OfferReply): StoredEvent[] {
  const run = getRun(room.db, runId);
  if (!run) return [];
  if (run.offerRetryAt !== null) updateRun(room.db, run, { offerRetryAt: null }, { sync: false });
  if (run.status !== 'queued') return [];
  if (reply.offered) {
    if (run.noRunnerDeadline !== null) updateRun(room.db, run, { noRunnerDeadline: null }, { sync: false });
    return [];
  }
  if (run.noRunnerDeadline !== null) return [];
  const wait = noRunnerWaitMs(room.env);
  const now = Date.now();
  const reason = noRunnerReason(run, reply);
  const message = `Waiting: ${reason}. The attempt fails if none is connected within ${minutes(wait)}.`;
  const stored = room.ctx.storage.transactionSync(() => {
    updateRun(room.db, run, { noRunnerDeadline: now + wait }, { sync: false });
    return appendEvents(room.db, [logEvent(runId, 'warn', message, now)]);
  });
  return stored;
}

/**
 * Queued runs whose no-runner wait is over: ask the pool once more (a runner may have connected
 * while every slot was busy), then fail the ones whose agent still no connected runner offers.
 */
export async function expireNoRunner(room: Room, now = Date.now()): Promise<void> {
  const taskId = getMeta(room.db, 'task_id');
  if (!taskId) return;
  for (const due of dueNoRunner(room.db, now)) {
    let reply: OfferReply;
    try {
      reply = await runnerPoolStub(room.env).offer({ runId: due.runId, taskId, executor: due.spec.executor.id });
    } catch (err) {
      console.error('task-room: no-runner check failed; the alarm retries', due.runId, String(err));
      continue;
    }
    const run = getRun(room.db, due.runId);
    if (!run || run.status !== 'queued') continue;
    if (reply.offered) {
      updateRun(room.db, run, { noRunnerDeadline: null }, { sync: false });
      continue;
    }
    const waited = minutes(noRunnerWaitMs(room.env));
    const events = room.ctx.storage.transactionSync(() => {
      const res = applyStatus(room, run, { to: 'failed', reason: `${noRunnerReason(run, reply)} (waited ${waited})`, patch: { noRunnerDeadline: null } }, now);
      return res.ok ? res.events : [];
    });
    broadcast(room.ctx, events);
    await withdrawRun(room, run.runId);
  }
}

export async function withdrawRun(room: Room, runId: string): Promise<void> {
  try {
    await runnerPoolStub(room.env).withdraw(runId);
  } catch (err) {
    // Harmless: a claim of a cancelled run returns null and the pool drops the offer.
    console.error('task-room: withdraw from pool failed', runId, String(err));
  }
}
