/**
 * Sidebar list of tasks (GET /v1/tasks, newest first) with each task's live status and a title
 * filter; the open one is marked. Badges stay live: the list is re-read on an interval while a
 * task is running, and at once when the open task's live status moves past its row.
 */
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { currentPath } from '../lib/router.ts';
import { filterTasks, needsPolling, rowStatus, TASK_POLL_MS } from '../lib/task-filter.ts';
import { openTaskStatus, refreshTasksSoon, tasks } from '../state/lists.ts';
import { Link } from './link.tsx';
import { StatusBadge } from './status-badge.tsx';
import { Empty, LoadError, Loading } from './ui.tsx';

/** Module-level, so the filter survives the sidebar closing on a phone. */
const query = signal('');

export function TaskList() {
  useEffect(() => {
    void tasks.ensure();
  }, []);
  useLiveBadges();
  const { status, data, error } = tasks.state.value;
  const path = currentPath.value;
  const open = openTaskStatus.value;
  const q = query.value;
  const shown = data ? filterTasks(data, q) : [];
  return (
    <nav class="task-list" aria-labelledby="task-list-title" data-testid="task-list">
      <h2 id="task-list-title">Tasks</h2>
      {status === 'error' && <LoadError message={error ?? 'Could not load tasks.'} onRetry={() => void tasks.load()} />}
      {data === null && status !== 'error' && <Loading what="Loading tasks…" />}
      {data !== null && data.length === 0 && (
        <Empty>No tasks yet. <Link href="/tasks/new">Create your first task</Link>.</Empty>
      )}
      {data !== null && data.length > 0 && (
        <div class="task-filter">
          <label for="task-filter" class="visually-hidden">Filter tasks</label>
          <input id="task-filter" type="search" placeholder="Filter tasks…" autocomplete="off" value={q}
            onInput={(e) => { query.value = e.currentTarget.value; }} />
          {q.trim() && <p class="hint" role="status">{shown.length} of {data.length} tasks</p>}
        </div>
      )}
      {data !== null && data.length > 0 && shown.length === 0 && (
        <Empty testId="task-list-no-match">
          No task title contains “{q.trim()}”. Try a shorter word, or{' '}
          <button type="button" class="link-button" onClick={() => { query.value = ''; }}>clear the filter</button>.
        </Empty>
      )}
      {shown.length > 0 && (
        <ul>
          {shown.map((t) => {
            const href = `/tasks/${encodeURIComponent(t.id)}`;
            return (
              <li key={t.id} data-testid="task-list-item" data-task-id={t.id} class={path === href ? 'current' : ''}>
                <Link href={href} navLink>
                  <span class="task-title">{t.title}</span>
                  <StatusBadge status={rowStatus(t, open)} />
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}

/** Keeps every row's badge current without a socket per task. */
function useLiveBadges(): void {
  const list = tasks.state.value.data;
  const open = openTaskStatus.value;
  const poll = needsPolling(list, open);
  // The open task's status changed (a follow-up started, the last attempt ended): re-read now.
  useEffect(() => {
    if (open && tasks.state.peek().data?.find((t) => t.id === open.taskId)?.status !== open.status) refreshTasksSoon();
  }, [open?.taskId, open?.status]);
  useEffect(() => {
    if (!poll) return;
    const reload = () => {
      if (!document.hidden) void tasks.load();
    };
    const timer = setInterval(reload, TASK_POLL_MS);
    document.addEventListener('visibilitychange', reload);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', reload);
    };
  }, [poll]);
}
