/** Sidebar list of tasks (GET /v1/tasks, newest first) with each task's status; the open one is marked. */
import { useEffect } from 'preact/hooks';
import { currentPath } from '../lib/router.ts';
import { openTaskStatus, tasks } from '../state/lists.ts';
import { Link } from './link.tsx';
import { StatusBadge } from './status-badge.tsx';
import { Empty, LoadError, Loading } from './ui.tsx';

export function TaskList() {
  useEffect(() => {
    void tasks.ensure();
  }, []);
  const { status, data, error } = tasks.state.value;
  const path = currentPath.value;
  const open = openTaskStatus.value;
  return (
    <nav class="task-list" aria-labelledby="task-list-title" data-testid="task-list">
      <h2 id="task-list-title">Tasks</h2>
      {status === 'error' && <LoadError message={error ?? 'Could not load tasks.'} onRetry={() => void tasks.load()} />}
      {data === null && status !== 'error' && <Loading what="Loading tasks…" />}
      {data !== null && data.length === 0 && (
        <Empty>No tasks yet. <Link href="/tasks/new">Create your first task</Link>.</Empty>
      )}
      {data !== null && data.length > 0 && (
        <ul>
          {data.map((t) => {
            const href = `/tasks/${encodeURIComponent(t.id)}`;
            return (
              <li key={t.id} data-testid="task-list-item" data-task-id={t.id} class={path === href ? 'current' : ''}>
                <Link href={href} navLink>
                  <span class="task-title">{t.title}</span>
                  <StatusBadge status={open?.taskId === t.id ? open.status : t.status} />
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}
