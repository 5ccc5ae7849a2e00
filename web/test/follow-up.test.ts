import { describe, expect, it } from 'vitest';
import { CreateRunsRequest } from '../../protocol/src/index.ts';
import { defaultParentId, followUpRows, keyFor } from '../src/lib/follow-up.ts';
import { buildAttempts } from '../src/lib/new-task.ts';

const profiles = [{ id: 'oa', provider: 'openai' as const }, { id: 'an', provider: 'anthropic' as const }, { id: 'an2', provider: 'anthropic' as const }];

describe('which attempt a follow-up continues from', () => {
  const runs = [{ id: 'r1', status: 'succeeded' as const }, { id: 'r2', status: 'failed' as const }, { id: 'r3', status: 'succeeded' as const }];

  it('is the winner when there is one', () => {
    expect(defaultParentId({ winnerRunId: 'r3' }, runs)).toBe('r3');
  });

  it('else the only succeeded attempt, else none', () => {
    expect(defaultParentId({ winnerRunId: null }, runs.slice(0, 2))).toBe('r1');
    expect(defaultParentId({ winnerRunId: null }, runs)).toBeNull();
    expect(defaultParentId({ winnerRunId: 'gone' }, runs)).toBeNull();
    expect(defaultParentId({ winnerRunId: null }, [])).toBeNull();
  });
});

describe('follow-up attempts', () => {
  it('default to the parent’s agent and model × 1', () => {
    expect(followUpRows({ executor: 'claude-code', modelProfileId: 'an2' }, profiles, 0))
      .toEqual([{ key: 0, executor: 'claude-code', modelProfileId: 'an2', count: 1 }]);
  });

  it('fall back to a model the agent can use when the parent’s profile is gone', () => {
    expect(followUpRows({ executor: 'claude-code', modelProfileId: 'deleted' }, profiles, 0))
      .toEqual([{ key: 0, executor: 'claude-code', modelProfileId: 'an', count: 1 }]);
    expect(followUpRows(null, profiles, 0)).toEqual([{ key: 0, executor: 'patch-agent', modelProfileId: 'oa', count: 1 }]);
    expect(followUpRows({ executor: 'codex', modelProfileId: null }, [], 0)).toEqual([{ key: 0, executor: 'codex', modelProfileId: '', count: 1 }]);
  });

  it('make a request the protocol accepts', () => {
    const built = buildAttempts(followUpRows({ executor: 'patch-agent', modelProfileId: 'an' }, profiles, 0), profiles);
    if (!built.ok) throw new Error(built.message);
    expect(CreateRunsRequest.parse({ message: 'Now add tests', attempts: built.attempts, parentRunId: 'r1' })).toEqual({
      message: 'Now add tests', parentRunId: 'r1', attempts: [{ executor: 'patch-agent', modelProfileId: 'an', count: 1 }],
    });
  });
});

describe('follow-up idempotency key', () => {
  it('is kept for a retry of the same round and renewed for another', () => {
    const a = keyFor(null, 'round');
    expect(keyFor(a, 'round')).toBe(a);
    const b = keyFor(a, 'other round');
    expect(b.key).not.toBe(a.key);
    expect(keyFor(null, 'round').key).not.toBe(a.key);
  });
});
