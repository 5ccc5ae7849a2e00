/**
 * Sidebar list of tasks (GET /v1/tasks, newest first) with each task's live status and a title
 * filter; the open one is marked. Badges stay live without polling: the user's feed socket
 * (lib/feed.ts) sends each task's row as it changes, and the open task's own live status wins
 * over its row (it is a moment ahead of D1).
 */
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { Task } from '../../../protocol/src/index.ts';
import { FeedConnection } from '../lib/feed.ts';
import { taskPath } from '../lib/router.ts';
import { filterTasks, rowStatus, upsertTask } from '../lib/task-filter.ts';
import { openTaskStatus, tasks } from '../state/lists.ts';
import { Link } from './link.tsx';
import { StatusBadge } from './status-badge.tsx';
import { Empty, LoadError, Loading } from './ui.tsx';

/** Module-level, so the filter survives the sidebar closing on a phone. */
const query = signal('');

export function TaskList() {
  useLiveBadges();
  const { status, data, error } = tasks.state.value;
  const { path } = useLocation();
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
            const href = taskPath(t.id);
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

/**
 * Keeps every row current from the feed. After each (re)connect the list is reloaded (the feed
 * replays nothing), and the rows the feed sent meanwhile are applied on top: whichever of a row
 * and an update is newer wins (upsertTask), so a slow reload cannot undo a fresher badge.
 */
function useLiveBadges(): void {
  useEffect(() => {
    let seen = new Map<string, Task>();
    const apply = (task: Task) => {
      const list = tasks.state.peek().data;
      if (list) tasks.set(upsertTask(list, task));
    };
    const feed = new FeedConnection({
      onHello: () => {
        seen = new Map();
        const pending = seen;
        void tasks.load().then(() => pending.forEach(apply));
      },
      onTask: (task) => {
        seen.set(task.id, task);
        apply(task);
      },
    });
    return () => feed.close();
  }, []);
}
