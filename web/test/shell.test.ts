import { describe, expect, it } from 'vitest';
import { filterTasks, needsPolling, rowStatus } from '../src/lib/task-filter.ts';
import { resolveTheme } from '../src/lib/theme.ts';

describe('theme', () => {
  it('a saved choice wins; otherwise the system scheme; junk in storage counts as no choice', () => {
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme(null, true)).toBe('dark');
    expect(resolveTheme(null, false)).toBe('light');
    expect(resolveTheme('purple', true)).toBe('dark');
  });
});

const tasks = [
  { id: 't1', title: 'Fix the Login bug', status: 'done' as const },
  { id: 't2', title: 'Add dark mode', status: 'running' as const },
  { id: 't3', title: 'login page copy', status: 'failed' as const },
];

describe('task list filter', () => {
  it('matches titles case-insensitively; blank keeps all', () => {
    expect(filterTasks(tasks, 'LOGIN').map((t) => t.id)).toEqual(['t1', 't3']);
    expect(filterTasks(tasks, '  dark ').map((t) => t.id)).toEqual(['t2']);
    expect(filterTasks(tasks, '   ')).toHaveLength(3);
    expect(filterTasks(tasks, 'nothing like it')).toEqual([]);
  });
});

describe('live badges', () => {
  it('the open task shows its live status, the others their row', () => {
    expect(rowStatus(tasks[0], { taskId: 't1', status: 'running' })).toBe('running');
    expect(rowStatus(tasks[2], { taskId: 't1', status: 'running' })).toBe('failed');
    expect(rowStatus(tasks[2], null)).toBe('failed');
  });

  it('polls while a task runs or the open task is ahead of its row, not otherwise', () => {
    expect(needsPolling(tasks, null)).toBe(true);
    const settled = [tasks[0], tasks[2]];
    expect(needsPolling(settled, null)).toBe(false);
    expect(needsPolling(settled, { taskId: 't1', status: 'done' })).toBe(false);
    expect(needsPolling(settled, { taskId: 't1', status: 'running' })).toBe(true);
    expect(needsPolling(null, null)).toBe(false);
  });
});
