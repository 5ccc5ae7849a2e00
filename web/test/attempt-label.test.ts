import { describe, expect, it } from 'vitest';
import { attemptLabel, roundNumbers } from '../src/lib/attempt-label.ts';

describe('attempt labels', () => {
  it('name the round once a task has more than one, numbered by first run', () => {
    const runs = [
      { id: 'c', messageId: 'm2', createdAt: 30, attempt: 1 },
      { id: 'a', messageId: 'm1', createdAt: 10, attempt: 1 },
      { id: 'b', messageId: 'm1', createdAt: 10, attempt: 2 },
    ];
    const rounds = roundNumbers(runs);
    expect(attemptLabel(runs[1], rounds, 'GPT')).toBe('Round 1 · Attempt 1 · GPT');
    expect(attemptLabel(runs[0], rounds, 'Claude')).toBe('Round 2 · Attempt 1 · Claude');
    expect(attemptLabel(runs[2], roundNumbers(runs.slice(1)), 'GPT')).toBe('Attempt 2 · GPT');
  });
});
