/**
 * Settings → Budgets: defaults applied to new tasks and rounds that name no budget (an explicit
 * one wins), and the spend the gateway recorded, summed over the user's tasks.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { BudgetSettings, Run, SpendSummary, Task } from '../../protocol/src/index.ts';
import type { ApiErrorBody } from './helpers/api.ts';
import { appWith, json, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createProfile, createRepo } from './helpers/fixtures.ts';

type Budgets = { budgets: BudgetSettings; spend: SpendSummary };

describe('settings: budgets', () => {
  it('applies default budgets where none is given, and sums what the tasks cost', async () => {
    const owner = await setupOwner();
    expect(await json<Budgets>(await owner.fetch('/v1/settings/budgets'), 200)).toEqual({
      budgets: { defaultTaskBudgetUsd: null, defaultRunBudgetUsd: null }, spend: { last30DaysUsd: 0, allTimeUsd: 0, tasks: 0 },
    });
    const put = (body: object) => owner.fetch('/v1/settings/budgets', { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await json<ApiErrorBody>(await put({ defaultTaskBudgetUsd: -1, defaultRunBudgetUsd: null }), 400)).error.message).toMatch(/defaultTaskBudgetUsd/);
    await json(await put({ defaultTaskBudgetUsd: 5, defaultRunBudgetUsd: 0.5 }), 200);

    const repo = await createRepo(owner);
    const task = (await json<{ task: Task }>(await owner.post('/v1/tasks', { repoId: repo.id, instruction: 'x' }), 201)).task;
    expect(task.budgetUsd).toBe(5);
    const own = (await json<{ task: Task }>(await owner.post('/v1/tasks', { repoId: repo.id, instruction: 'y', budgetUsd: 2 }), 201)).task;
    expect(own.budgetUsd).toBe(2);
    const profile = await createProfile(owner);
    const rooms = owner.with(appWith({ TASK_ROOM: fakeTaskRoom().TASK_ROOM }));
    const attempts = [{ executor: 'patch-agent', modelProfileId: profile.id }];
    const [byDefault] = (await json<{ runs: Run[] }>(await rooms.post(`/v1/tasks/${task.id}/runs`, { attempts }), 201)).runs;
    expect(byDefault.budgetUsd).toBe(0.5);
    const [explicit] = (await json<{ runs: Run[] }>(await rooms.post(`/v1/tasks/${task.id}/runs`, { attempts, budgetUsd: 1 }), 201)).runs;
    expect(explicit.budgetUsd).toBe(1);

    await env.DB.prepare('UPDATE tasks SET cost_micros = ?, updated_at = ? WHERE id = ?').bind(1_250_000, Date.now(), task.id).run();
    await env.DB.prepare('UPDATE tasks SET cost_micros = ?, updated_at = ? WHERE id = ?').bind(250_000, Date.now() - 40 * 86_400_000, own.id).run();
    expect((await json<Budgets>(await owner.fetch('/v1/settings/budgets'), 200)).spend).toEqual({ last30DaysUsd: 1.25, allTimeUsd: 1.5, tasks: 2 });
  });
});
