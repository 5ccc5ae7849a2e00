/**
 * Sidebar task list rules (pure, unit-tested): the title filter, the status each row shows (the
 * open task's live status beats the list's D1 row, which lags the task's room), and how a feed
 * update (lib/feed.ts) lands in the list.
 */
import type { Task } from '../../../protocol/src/index.ts';

export type OpenTaskStatus = { taskId: string; status: Task['status'] } | null;

/** Case-insensitive substring match on the title; blank query keeps everything. */
export function filterTasks<T extends Pick<Task, 'title'>>(tasks: readonly T[], query: string): T[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return tasks as T[];
  return tasks.filter((t) => t.title.toLocaleLowerCase().includes(q));
}

export function rowStatus(task: Pick<Task, 'id' | 'status'>, open: OpenTaskStatus): Task['status'] {
  return open?.taskId === task.id ? open.status : task.status;
}

/**
 * The list with `task` put in its place (a feed update, issue 9): a newer row replaces the one we
 * hold, an older one is ignored (a list load and a feed message can cross), an unknown task is
 * added; newest first, as `GET /v1/tasks` orders them.
 */
export function upsertTask<T extends Pick<Task, 'id' | 'createdAt' | 'updatedAt'>>(tasks: readonly T[], task: T): T[] {
  const at = tasks.findIndex((t) => t.id === task.id);
  if (at >= 0) {
    if (tasks[at].updatedAt > task.updatedAt) return tasks as T[];
    return tasks.map((t, i) => (i === at ? task : t));
  }
  return [task, ...tasks].sort((a, b) => b.createdAt - a.createdAt);
}
