import { describe, expect, it } from 'vitest';
import { filterTasks, rowStatus, upsertTask } from '../src/lib/task-filter.ts';
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

  it('a feed update replaces an older row, never a newer one, and adds an unknown task in list order', () => {
    const list = [
      { id: 't2', createdAt: 20, updatedAt: 25, status: 'running' },
      { id: 't1', createdAt: 10, updatedAt: 15, status: 'done' },
    ];
    expect(upsertTask(list, { id: 't2', createdAt: 20, updatedAt: 30, status: 'done' })[0].status).toBe('done');
    // A list load that was read before the update must not win over it.
    expect(upsertTask(list, { id: 't2', createdAt: 20, updatedAt: 24, status: 'idle' })).toBe(list);
    expect(upsertTask(list, { id: 't3', createdAt: 30, updatedAt: 30, status: 'idle' }).map((t) => t.id)).toEqual(['t3', 't2', 't1']);
    expect(upsertTask(list, { id: 't0', createdAt: 5, updatedAt: 5, status: 'idle' }).map((t) => t.id)).toEqual(['t2', 't1', 't0']);
  });
});
