/**
 * /tasks/:id — the task's title and instruction, and every attempt side by side, updating live
 * over the task's socket. The store (REST detail + live events) lives as long as the page.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { ModelProfile, Run, Task } from '../../../protocol/src/index.ts';
import { formatTime } from '../lib/format.ts';
import { modelProfiles, openTaskStatus, repos } from '../state/lists.ts';
import { taskStatusOf } from '../state/task-model.ts';
import { TaskStore } from '../state/task-store.ts';
import { ConnectionBanner } from '../components/connection-banner.tsx';
import { RunCard } from '../components/run-card.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Empty, LoadError, Loading } from '../components/ui.tsx';

export function TaskPage(props: { id: string }) {
  const store = useMemo(() => new TaskStore(props.id), [props.id]);
  useEffect(() => {
    store.open();
    void modelProfiles.ensure();
    void repos.ensure();
    return () => {
      store.close();
      openTaskStatus.value = null;
    };
  }, [store]);

  const { status, data, error } = store.detail.state.value;
  if (data === null) {
    if (status === 'error') {
      return (
        <div class="page">
          <h1>Task</h1>
          <LoadError message={error ?? 'Could not load the task.'} onRetry={() => void store.detail.load()} />
        </div>
      );
    }
    return <div class="page"><Loading what="Loading the task…" /></div>;
  }

  const { task, messages, runs } = data;
  const instruction = messages.find((m) => m.role === 'user')?.content ?? '';
  const followUps = messages.filter((m) => m.role === 'user').slice(1);
  const repo = repos.state.value.data?.find((r) => r.id === task.repoId);
  const profiles = modelProfiles.state.value.data ?? [];
  const ordered = [...runs].sort((a, b) => a.createdAt - b.createdAt || a.attempt - b.attempt);
  const liveStatus = ordered.length ? taskStatusOf(ordered.map((r) => store.view(r.id).value.status ?? r.status)) : task.status;

  return (
    <div class="page task-page" data-testid="task-page" data-task-id={task.id}>
      <header class="task-head">
        <h1 data-testid="task-title">{task.title}</h1>
        <p class="task-meta">
          <StatusBadge status={liveStatus} testId="task-status" />{' '}
          {repo ? repo.displayName : 'repository'} · base <code>{task.baseRef}</code> · created {formatTime(task.createdAt)}
        </p>
        <blockquote class="instruction" data-testid="task-instruction">{instruction}</blockquote>
        {followUps.map((m) => <blockquote key={m.id} class="instruction follow-up">{m.content}</blockquote>)}
      </header>
      <PublishStatus taskId={task.id} status={liveStatus} />
      <ConnectionBanner live={store.live.value} />
      {status === 'error' && <p class="error-text" role="alert">Could not refresh the task: {error}</p>}
      {ordered.length === 0 ? (
        <Empty>This task has no attempts yet.</Empty>
      ) : (
        <div class="run-grid" data-testid="run-grid">
          {ordered.map((run) => <RunCard key={run.id} store={store} run={run} modelName={modelName(run, profiles)} />)}
        </div>
      )}
    </div>
  );
}

/** Tells the sidebar the open task's live status. */
function PublishStatus(props: { taskId: string; status: Task['status'] }) {
  useEffect(() => {
    openTaskStatus.value = { taskId: props.taskId, status: props.status };
  }, [props.taskId, props.status]);
  return null;
}

function modelName(run: Run, profiles: ModelProfile[]): string {
  const p = run.modelProfileId ? profiles.find((x) => x.id === run.modelProfileId) : undefined;
  if (p) return p.displayName;
  return run.executor === 'patch-agent' ? 'model profile removed' : run.executor;
}
