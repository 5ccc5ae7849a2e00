/**
 * The LLM gateway asks for a run to stop because of what it saw on the run's calls — its budget
 * spent (budget.ts), a model answer over the gateway's response cap (issue 11). The run is stopped
 * like a cancel (stop-run.ts), with `failReason` remembered so that however it then ends it is
 * `failed` with that reason (stop-reason.ts). Repeated calls change nothing more (the first reason
 * stands); a user's cancel already under way is left to end the run `cancelled`.
 */
import { isTerminal } from '../../../protocol/src/index.ts';
import type { RunStatus } from '../../../protocol/src/index.ts';
import type { Room } from './room.ts';
import { getRun } from './run-store.ts';
import { stopRun } from './stop-run.ts';

/** Returns the run's status after the call, or null for a run this room does not know. */
export async function stopRunAsFailed(room: Room, runId: string, reason: string): Promise<RunStatus | null> {
  const run = getRun(room.db, runId);
  if (!run) return null;
  if (isTerminal(run.status) || run.failReason || run.cancelRequested) return run.status;
  const failReason = reason.slice(0, 1000);
  return stopRun(room, run, { to: 'failed', reason: failReason, failReason, log: { level: 'warn', message: `stopping: ${failReason}` } });
}
