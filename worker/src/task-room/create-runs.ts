/**
 * createRuns: the route has inserted the runs into D1 (status queued); the room stores each
 * run's spec, appends its `queued` event, broadcasts, mirrors the task status into D1 and offers
 * the runs to the pool. Repeating the call with the same run ids adds nothing (Idempotency-Key
 * retries of the create route).
 */
import type { StoredEvent } from '../../../protocol/src/index.ts';
import { appendEvents } from './event-log.ts';
import { broadcast } from './fanout.ts';
import { armAlarm } from './leases.ts';
import { offerRuns } from './pool-client.ts';
import type { Room } from './room.ts';
import { OFFER_RETRY_MS } from './run-lifecycle.ts';
import { getRun, insertRun, updateRun } from './run-store.ts';
import { getMeta, setMeta } from './meta.ts';
import type { NewRun } from './types.ts';

export async function createRuns(room: Room, taskId: string, runs: readonly NewRun[]): Promise<void> {
  const known = getMeta(room.db, 'task_id');
  if (known && known !== taskId) throw new Error(`task room of ${known} cannot take runs of ${taskId}`);
  const now = Date.now();
  const created: string[] = [];
  const events: StoredEvent[] = room.ctx.storage.transactionSync(() => {
    if (!known) setMeta(room.db, 'task_id', taskId);
    const out: StoredEvent[] = [];
    for (const spec of runs) {
      if (!insertRun(room.db, spec, now)) continue;
      const run = getRun(room.db, spec.runId)!;
      updateRun(room.db, run, { offerRetryAt: now + OFFER_RETRY_MS }, { sync: false });
      out.push(...appendEvents(room.db, [{ type: 'status', runId: spec.runId, ts: now, status: 'queued' }]));
      created.push(spec.runId);
    }
    return out;
  });
  if (!created.length) return;
  broadcast(room.ctx, events);
  await room.d1.flush();
  await armAlarm(room, now + OFFER_RETRY_MS);
  await offerRuns(room, created);
}
