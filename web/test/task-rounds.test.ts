import { describe, expect, it } from 'vitest';
import { groupRounds, isRoundOpen, roundNumbersOf, roundSummary } from '../src/lib/task-rounds.ts';

const msg = (id: string, role: 'user' | 'assistant' = 'user') => ({ id, role, content: `say ${id}` });
const run = (id: string, messageId: string, status: 'succeeded' | 'failed' | 'running' | 'queued' | 'cancelled' = 'succeeded') => ({ id, messageId, status });

describe('task rounds', () => {
  it('put each user message first and the attempts answering it (retries too) under it, in message order', () => {
    const messages = [msg('m1'), msg('a1', 'assistant'), msg('m2'), msg('m3')];
    const runs = [run('r1', 'm1'), run('r2', 'm1'), run('r3', 'm2'), run('r4', 'm1', 'running'), run('r5', 'm3')];
    const rounds = groupRounds(messages, runs);
    expect(rounds.map((r) => [r.number, r.message?.id, r.runs.map((x) => x.id)])).toEqual([
      [1, 'm1', ['r1', 'r2', 'r4']], [2, 'm2', ['r3']], [3, 'm3', ['r5']],
    ]);
    expect(Object.fromEntries(roundNumbersOf(rounds))).toEqual({ m1: 1, m2: 2, m3: 3 });
  });

  it('a message without attempts shows only while it is the latest; runs of an unknown message still show', () => {
    expect(groupRounds([msg('m1'), msg('m2')], [run('r1', 'm1')]).map((r) => [r.key, r.runs.length])).toEqual([['m1', 1], ['m2', 0]]);
    expect(groupRounds([msg('m1'), msg('m2')], [run('r1', 'm2')]).map((r) => r.key)).toEqual(['m2']);
    expect(groupRounds([msg('m1')], [run('r1', 'm1'), run('r2', 'gone')]).map((r) => [r.key, r.message?.id ?? null])).toEqual([['m1', 'm1'], ['gone', null]]);
  });

  it('finished rounds before the latest start collapsed; unfinished ones and the latest open; a choice wins', () => {
    const [one, two] = groupRounds([msg('m1'), msg('m2')], [run('r1', 'm1'), run('r2', 'm2')]);
    expect(isRoundOpen(one, false, undefined)).toBe(false);
    expect(isRoundOpen(two, true, undefined)).toBe(true);
    expect(isRoundOpen(one, false, true)).toBe(true);
    expect(isRoundOpen(two, true, false)).toBe(false);
    const [retrying] = groupRounds([msg('m1'), msg('m2')], [run('r1', 'm1'), run('r9', 'm1', 'queued'), run('r2', 'm2')]);
    expect(isRoundOpen(retrying, false, undefined)).toBe(true);
  });

  it('a collapsed round says what happened in it', () => {
    const [one] = groupRounds([msg('m1')], [run('r1', 'm1'), run('r2', 'm1', 'failed'), run('r3', 'm1'), run('r4', 'm1', 'running')]);
    expect(roundSummary(one, 'r3')).toBe('4 attempts: 1 running, 2 succeeded, 1 failed · has the winner');
    expect(roundSummary(one, 'elsewhere')).toBe('4 attempts: 1 running, 2 succeeded, 1 failed');
    expect(roundSummary({ key: 'm', number: 1, message: null, runs: [] }, null)).toBe('no attempts yet');
  });
});
