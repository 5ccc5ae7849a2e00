import { describe, expect, it } from 'vitest';
import { CreateRunsRequest } from '../../protocol/src/index.ts';
import { canRetry, retryPlan } from '../src/lib/retry.ts';

const run = { id: 'r1', executor: 'patch-agent' as const, modelProfileId: 'mp1', parentRunId: null, budgetUsd: null, messageId: 'm2' };

describe('retrying an attempt', () => {
  it('only failed and cancelled attempts offer it', () => {
    expect(canRetry('failed')).toBe(true);
    expect(canRetry('cancelled')).toBe(true);
    for (const s of ['succeeded', 'running', 'queued', 'lost'] as const) expect(canRetry(s)).toBe(false);
  });

  it('asks for one attempt with the same agent and model, answering the same message, naming the run it retries', () => {
    const plan = retryPlan(run, ['mp1']);
    expect(plan).toEqual({ ok: true, body: { attempts: [{ executor: 'patch-agent', modelProfileId: 'mp1', count: 1 }], messageId: 'm2', retryOfRunId: 'r1' } });
    if (plan.ok) expect(CreateRunsRequest.parse(plan.body)).toEqual(plan.body);
  });

  it('keeps the parent and the budget', () => {
    const plan = retryPlan({ ...run, executor: 'codex', parentRunId: 'r0', budgetUsd: 2.5 }, null);
    expect(plan.ok && plan.body).toEqual({ attempts: [{ executor: 'codex', modelProfileId: 'mp1', count: 1 }], messageId: 'm2', retryOfRunId: 'r1', parentRunId: 'r0', budgetUsd: 2.5 });
  });

  it('says why not when the profile is gone', () => {
    expect(retryPlan({ ...run, modelProfileId: null }, null)).toMatchObject({ ok: false, reason: expect.stringMatching(/model profile was removed/) });
    expect(retryPlan(run, ['other'])).toMatchObject({ ok: false });
  });
});
