/**
 * Runs through the real Worker and its real TaskRoom (no fakes): the route hands the round to
 * the DO and the API answers with what D1 holds. No runner is connected, so runs stay queued
 * until cancelled.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run, Task } from '../../protocol/src/index.ts';
import type { Client } from './helpers/api.ts';
import { json, setupOwner } from './helpers/api.ts';
import { createProfile, createRepo, createTask } from './helpers/fixtures.ts';

describe('runs on the real TaskRoom', () => {
  let owner: Client;
  let task: Task;
  let runs: Run[];
  beforeAll(async () => {
    owner = await setupOwner();
    task = await createTask(owner, (await createRepo(owner)).id);
  });

  it('creates queued runs (once per Idempotency-Key)', async () => {
    const profile = await createProfile(owner);
    const body = { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id, count: 2 }] };
    const res = await owner.post(`/v1/tasks/${task.id}/runs`, body, { 'idempotency-key': 'live-1' });
    runs = (await json<{ runs: Run[] }>(res, 201)).runs;
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([[1, 'queued'], [2, 'queued']]);
    const again = await owner.post(`/v1/tasks/${task.id}/runs`, body, { 'idempotency-key': 'live-1' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const rows = await env.DB.prepare('SELECT id, status, branch FROM runs WHERE task_id = ? ORDER BY attempt').bind(task.id).all();
    expect(rows.results).toEqual(runs.map((r) => ({ id: r.id, status: 'queued', branch: `dursor/${task.id}/${r.id}` })));
  });

  it('cancels a queued run', async () => {
    const res = await owner.post(`/v1/runs/${runs[0].id}/cancel`, {});
    expect((await json<{ run: Run }>(res, 200)).run).toMatchObject({ id: runs[0].id, status: 'cancelled' });
    const other = await json<{ run: Run }>(await owner.fetch(`/v1/runs/${runs[1].id}`), 200);
    expect(other.run.status).toBe('queued');
  });
});
