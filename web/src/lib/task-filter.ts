/**
 * Sidebar task list rules (pure, unit-tested): the title filter, the status each row shows (the
 * open task's live status beats the list's D1 row, which lags the task's room), and whether the
 * list must be refreshed on an interval to keep the other rows' badges live.
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
 * Poll while a listed task is running (its badge changes without us opening it), or while the
 * open task's live status and its row disagree (the row has yet to catch up with the room).
 */
export function needsPolling(tasks: readonly Pick<Task, 'id' | 'status'>[] | null, open: OpenTaskStatus): boolean {
  if (!tasks) return false;
  return tasks.some((t) => t.status === 'running' || (open?.taskId === t.id && open.status !== t.status));
}

/** How often the list is re-read while `needsPolling`; a GET of one small list. */
export const TASK_POLL_MS = 5_000;
