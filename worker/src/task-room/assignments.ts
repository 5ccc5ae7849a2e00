/**
 * Claim and release: RunnerPool's two calls into TaskRoom. `claim` turns a queued run into an
 * assignment for one runner (new assignment number, lease, run token, for the Cursor agent its
 * key, read from D1 only now: direct-key.ts, and for a run assigned before what its earlier
 * assignments finished: resume.ts); `release` gives an
 * assignment back when the runner declined it or vanished before accepting. Both re-check the
 * run synchronously right before changing it, so interleaved calls cannot double-assign.
 */
import type { Assignment, ExecutorSpec, Resume, StoredEvent } from '../../../protocol/src/index.ts';
import { CLOSE_CODES } from '../../../protocol/src/index.ts';
import { signRunToken } from '../lib/run-token.ts';
import { withDirectKey } from './direct-key.ts';
import { broadcast } from './fanout.ts';
import { armAlarm, leaseMs } from './leases.ts';
import { offerRuns } from './pool-client.ts';
import { taskIdOf } from './room.ts';
import type { Room } from './room.ts';
import { applyStatus } from './run-lifecycle.ts';
import { buildResume } from './resume.ts';
import { closeRunSockets } from './run-sockets.ts';
import { getRun } from './run-store.ts';
import type { RunState } from './run-store.ts';
import { stopChange } from './stop-reason.ts';
import { allowPrivateUrls } from '../lib/url-policy.ts';

/** Run tokens outlive any sane run; the gateway also refuses tokens of finished runs. */
export const RUN_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;

export async function claim(room: Room, runId: string, runnerId: string): Promise<Assignment | null> {
  const queued = getRun(room.db, runId);
  if (queued?.status !== 'queued') return null;
  const taskId = taskIdOf(room);
  const runToken = await signRunToken(room.env.DURSOR_ENCRYPTION_KEY, { runId, taskId, exp: Date.now() + RUN_TOKEN_TTL_MS });
  let executor: ExecutorSpec;
  try {
    executor = await withDirectKey(room, runId, queued.spec.executor);
  } catch (err) {
    await failUnstartable(room, runId, `cannot start: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }

  // Re-read after the await: another claim or a cancel may have run meanwhile.
  const run = getRun(room.db, runId);
  if (!run || run.status !== 'queued') return null;
  const now = Date.now();
  const ms = leaseMs(room.env);
  // A run assigned before may continue from the turns its earlier assignments finished (resume.ts).
  const resume = run.assignment > 0 ? buildResume(room.db, runId) : undefined;
  const events = room.ctx.storage.transactionSync(() => {
    const res = applyStatus(room, run, {
      to: 'assigned',
      reason: `assigned to runner ${runnerId}`,
      patch: {
        assignment: run.assignment + 1,
        runnerId,
        lastFrame: 0,
        leaseUntil: now + ms,
        startedAt: now,
        offerRetryAt: null,
        cancelRequested: false,
        cancelDeadline: null,
        failReason: null,
        firstTokenAt: null,
        noRunnerDeadline: null,
        socketGoneAt: null,
      },
    }, now);
    return res.ok ? res.events : null;
  });
  if (!events) return null;
  broadcast(room.ctx, events);
  await armAlarm(room, now + ms);
  await room.d1.flush();
  return toAssignment(run, taskId, runToken, ms, executor, resume, allowPrivateUrls(room.env));
}

/** A queued run that can never start (its Cursor key is gone) fails instead of being handed out. */
async function failUnstartable(room: Room, runId: string, reason: string): Promise<void> {
  const run = getRun(room.db, runId);
  if (!run || run.status !== 'queued') return;
  const events = room.ctx.storage.transactionSync(() => {
    const res = applyStatus(room, run, { to: 'failed', reason });
    return res.ok ? res.events : [];
  });
  broadcast(room.ctx, events);
  await room.d1.flush();
}

function toAssignment(run: RunState, taskId: string, runToken: string, ms: number, executor: ExecutorSpec, resume: Resume | undefined, allowPrivateAddresses: boolean): Assignment {
  const spec = run.spec;
  return {
    runId: run.runId,
    taskId,
    assignment: run.assignment,
    attempt: spec.attempt,
    repo: { ...spec.repo, credentials: spec.repo.credentials ?? 'none' },
    branch: spec.branch,
    instruction: spec.instruction,
    history: spec.history ?? [],
    executor,
    runToken,
    limits: spec.limits,
    leaseMs: ms,
    ...(resume ? { resume } : {}),
    ...(spec.sandbox ? { sandbox: spec.sandbox } : {}),
    ...(spec.allowWorkflowChanges ? { allowWorkflowChanges: true } : {}),
    // The runner checks its git connections with the deployment's own rule (issue 11).
    allowPrivateAddresses,
  };
}

export async function release(room: Room, runId: string, assignment: number, reason: string): Promise<void> {
  const run = getRun(room.db, runId);
  if (!run || run.assignment !== assignment || run.status !== 'assigned') return;
  let events: StoredEvent[] = [];
  let requeued = false;
  room.ctx.storage.transactionSync(() => {
    // A cancel that arrived while the run was being handed out wins over re-queuing it.
    const res = run.cancelRequested
      ? applyStatus(room, run, stopChange(run, 'cancelled before a runner started it'))
      : applyStatus(room, run, { to: 'queued', reason: `released: ${reason}`.slice(0, 1000) });
    if (res.ok) events = res.events;
    requeued = res.ok && !run.cancelRequested;
  });
  closeRunSockets(room.ctx, runId, CLOSE_CODES.staleAssignment, 'assignment released');
  broadcast(room.ctx, events);
  await room.d1.flush();
  if (requeued) {
    await armAlarm(room, run.offerRetryAt ?? Date.now());
    await offerRuns(room, [runId]);
  }
}
