/**
 * GET /v1/runners: D1 knows every registered runner; each pool's RunnerPool knows which are
 * connected right now. A pool that cannot answer shows its runners offline rather than failing
 * the whole list.
 */
import type { Runner } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toRunner } from '../db/mappers.ts';
import { listRunnerRows } from '../db/queries/runners.ts';
import type { Env } from '../env.ts';
import type { LiveRunner } from '../task-room/types.ts';
import { runnerPoolStub } from '../durable/stubs.ts';

async function livePool(env: Env, pool: string): Promise<LiveRunner[]> {
  try {
    return await runnerPoolStub(env, pool).listRunners();
  } catch (err) {
    console.error(`runner pool ${pool}: listRunners failed:`, err instanceof Error ? err.message : String(err));
    return [];
  }
}

export async function listRunnersWithLiveStatus(env: Env): Promise<Runner[]> {
  const rows = await listRunnerRows(getDb(env.DB));
  const pools = [...new Set(rows.map((r) => r.pool))];
  const live = new Map<string, LiveRunner>();
  const lists = await Promise.all(pools.map((p) => livePool(env, p)));
  for (const list of lists) for (const r of list) live.set(r.runnerId, r);
  return rows.map((r) => toRunner(r, live.get(r.id)));
}
