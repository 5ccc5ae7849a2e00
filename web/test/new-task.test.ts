import { describe, expect, it } from 'vitest';
import { CreateRunsRequest, CreateTaskRequest } from '../../protocol/src/index.ts';
import { buildAttempts, cursorKeyNote, nextSubmission, parseBudget, parseIssue } from '../src/lib/new-task.ts';

const known = [{ id: 'p1', provider: 'openai' as const }, { id: 'p2', provider: 'anthropic' as const }];

describe('attempts editor → CreateRunsRequest', () => {
  it('refuses a model profile the chosen agent cannot run on', () => {
    expect(buildAttempts([{ key: 1, executor: 'claude-code', modelProfileId: 'p1', count: 1 }], known))
      .toEqual({ ok: false, message: 'Choose a model for attempt row 1 that Claude Code can use.' });
    expect(buildAttempts([{ key: 1, executor: 'claude-code', modelProfileId: 'p2', count: 1 }], known))
      .toMatchObject({ ok: true, attempts: [{ executor: 'claude-code', modelProfileId: 'p2', count: 1 }] });
  });

  it('builds patch-agent attempts the protocol accepts', () => {
    const r = buildAttempts([{ key: 1, executor: 'patch-agent' as const, modelProfileId: 'p1', count: 2 }, { key: 2, executor: 'patch-agent' as const, modelProfileId: 'p2', count: 1 }], known);
    expect(r).toMatchObject({ ok: true, total: 3 });
    if (!r.ok) throw new Error('expected ok');
    expect(CreateRunsRequest.parse({ attempts: r.attempts }).attempts).toEqual([
      { executor: 'patch-agent', modelProfileId: 'p1', count: 2 },
      { executor: 'patch-agent', modelProfileId: 'p2', count: 1 },
    ]);
  });

  it('says what is wrong', () => {
    expect(buildAttempts([], known)).toEqual({ ok: false, message: 'Add at least one attempt row.' });
    expect(buildAttempts([{ key: 1, executor: 'patch-agent', modelProfileId: 'gone', count: 1 }], known)).toMatchObject({ ok: false, message: 'Choose a model for attempt row 1 that Patch agent (dursor) can use.' });
    expect(buildAttempts([{ key: 1, executor: 'patch-agent', modelProfileId: 'p1', count: Number.NaN }], known)).toMatchObject({ ok: false });
    expect(buildAttempts([{ key: 1, executor: 'patch-agent', modelProfileId: 'p1', count: 9 }], known)).toMatchObject({ ok: false });
    const many = [1, 2, 3].map((key) => ({ key, executor: 'patch-agent' as const, modelProfileId: 'p1', count: 6 }));
    expect(buildAttempts(many, known)).toMatchObject({ ok: false, message: 'At most 16 attempts per task; you asked for 18.' });
  });
});

describe('the Cursor agent\'s key', () => {
  it('is said to reach the runner only while a row runs the Cursor agent', () => {
    expect(cursorKeyNote([{ executor: 'patch-agent' }, { executor: 'claude-code' }])).toBeNull();
    expect(cursorKeyNote([{ executor: 'patch-agent' }, { executor: 'cursor-agent' }])).toMatch(/^The Cursor agent is the one exception .* gets your Cursor API key directly/);
  });
});

describe('submission idempotency keys', () => {
  it('reuses keys for a retry of the same form', () => {
    const a = nextSubmission(null, 'task', 'runs');
    expect(nextSubmission(a, 'task', 'runs')).toBe(a);
  });

  it('keeps the created task and only renews the runs key when attempts change', () => {
    const a = { ...nextSubmission(null, 'task', 'runs'), taskId: 't1' };
    const b = nextSubmission(a, 'task', 'runs2');
    expect(b.taskId).toBe('t1');
    expect(b.taskKey).toBe(a.taskKey);
    expect(b.runsKey).not.toBe(a.runsKey);
  });

  it('starts over when the task fields change', () => {
    const a = { ...nextSubmission(null, 'task', 'runs'), taskId: 't1' };
    const b = nextSubmission(a, 'other task', 'runs');
    expect(b.taskId).toBeNull();
    expect(b.taskKey).not.toBe(a.taskKey);
  });
});

describe('parseBudget', () => {
  it('accepts dollars, empty for none, and refuses the rest', () => {
    expect(parseBudget('')).toBeNull();
    expect(parseBudget(' 2.50 ')).toBe(2.5);
    expect(parseBudget('$3')).toBe(3);
    expect(parseBudget('0')).toBe('invalid');
    expect(parseBudget('-1')).toBe('invalid');
    expect(parseBudget('ten')).toBe('invalid');
  });
});

describe('parseIssue', () => {
  it('takes a number or an issue URL, and nothing for empty', () => {
    expect(parseIssue('')).toBeNull();
    expect(parseIssue(' 12 ')).toBe(12);
    expect(parseIssue('#7')).toBe(7);
    expect(parseIssue('https://github.com/o/r/issues/12')).toBe('https://github.com/o/r/issues/12');
    expect(parseIssue('https://github.com/o/r/issues/12/')).toBe('https://github.com/o/r/issues/12');
    expect(parseIssue('https://github.com/o/r/issues/12#issuecomment-1')).toBe('https://github.com/o/r/issues/12');
    expect(parseIssue('http://127.0.0.1:8080/o/r/issues/3?x=1')).toBe('http://127.0.0.1:8080/o/r/issues/3');
  });

  it('refuses the rest', () => {
    for (const bad of ['0', '#', 'twelve', 'https://github.com/o/r/pull/12', 'github.com/o/r/issues/1', '1.5']) {
      expect(parseIssue(bad), bad).toBe('invalid');
    }
  });

  it('makes a task request that needs no instruction', () => {
    for (const issue of [parseIssue('12'), parseIssue('https://github.com/o/r/issues/12')]) {
      expect(CreateTaskRequest.safeParse({ repoId: 'r1', baseRef: 'main', issue }).success).toBe(true);
    }
  });
});
