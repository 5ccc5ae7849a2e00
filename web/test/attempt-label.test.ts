import { describe, expect, it } from 'vitest';
import { attemptLabels, roundNumbers } from '../src/lib/attempt-label.ts';

const run = (id: string, messageId: string, createdAt: number, attempt: number, retryOfRunId: string | null = null) =>
  ({ id, messageId, createdAt, attempt, retryOfRunId, model: id.startsWith('c') ? 'Claude' : 'GPT' });
const labels = (runs: ReturnType<typeof run>[]) => Object.fromEntries(attemptLabels(runs, (r) => r.model));

describe('attempt labels', () => {
  it('name the round once a task has more than one, numbered by first run', () => {
    const runs = [run('c', 'm2', 30, 1), run('a', 'm1', 10, 1), run('b', 'm1', 10, 2)];
    expect(Object.fromEntries(roundNumbers(runs))).toEqual({ m1: 1, m2: 2 });
    expect(labels(runs)).toEqual({ a: 'Round 1 · Attempt 1 · GPT', b: 'Round 1 · Attempt 2 · GPT', c: 'Round 2 · Attempt 1 · Claude' });
    expect(labels(runs.slice(1))).toEqual({ a: 'Attempt 1 · GPT', b: 'Attempt 2 · GPT' });
  });

  it('a retry says which attempt it retries, in its own round', () => {
    const runs = [run('a', 'm1', 10, 1), run('b', 'm1', 10, 2), run('r', 'm1', 40, 3, 'a'), run('c', 'm2', 30, 1)];
    expect(labels(runs).r).toBe('Round 1 · Attempt 3 · GPT · retry of attempt 1');
    expect(labels([run('a', 'm1', 10, 1), run('r', 'm1', 20, 2, 'a')]).r).toBe('Attempt 2 · GPT · retry of attempt 1');
  });

  it('stay unique even when stored runs share an attempt number (retries made before they were numbered apart)', () => {
    const l = labels([run('a', 'm1', 10, 1), run('r', 'm1', 20, 1), run('s', 'm1', 30, 1)]);
    expect(l).toEqual({ a: 'Attempt 1 · GPT', r: 'Attempt 1 · GPT (2)', s: 'Attempt 1 · GPT (3)' });
    expect(new Set(Object.values(l)).size).toBe(3);
  });
});
