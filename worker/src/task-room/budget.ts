/**
 * budgetExceeded (issue 3): the LLM gateway saw a run (or its task) reach its budget. The run is
 * stopped and ends `failed` with `budget exceeded: <reason>` (gateway-stop.ts).
 */
import type { RunStatus } from '../../../protocol/src/index.ts';
import { stopRunAsFailed } from './gateway-stop.ts';
import type { Room } from './room.ts';

/** Returns the run's status after the call, or null for a run this room does not know. */
export function budgetExceeded(room: Room, runId: string, reason: string): Promise<RunStatus | null> {
  return stopRunAsFailed(room, runId, `budget exceeded: ${reason}`);
}
