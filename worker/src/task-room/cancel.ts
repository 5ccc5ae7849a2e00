/**
 * cancelRun (docs/architecture.md §6): a user's cancel, through stopRun. Terminal runs are left as they are; a
 * run the room does not know is an error for the route to answer.
 */
import { isTerminal } from '../../../protocol/src/index.ts';
import type { RunStatus } from '../../../protocol/src/index.ts';
import type { Room } from './room.ts';
import { getRun } from './run-store.ts';
import { stopRun } from './stop-run.ts';

export const CANCEL_REASON = 'cancelled by user';

export async function cancelRun(room: Room, runId: string): Promise<RunStatus> {
  const run = getRun(room.db, runId);
  if (!run) throw new Error(`unknown run ${runId}`);
  if (isTerminal(run.status)) return run.status;
  return stopRun(room, run, { to: 'cancelled', reason: CANCEL_REASON, log: { level: 'info', message: 'cancel requested' } });
}
