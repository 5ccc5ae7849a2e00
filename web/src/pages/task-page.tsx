/**
 * /tasks/:id — the task's title, instruction and issue, every attempt side by side (updating live
 * over the task's socket, with the winner marked), the follow-up box and the pull-request panel
 * (a lazy chunk). The store (REST detail + live events) lives as long as the page.
 */
import { useComputed } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { ModelProfile, Run, Task } from '../../../protocol/src/index.ts';
import { attemptLabels } from '../lib/attempt-label.ts';
import { formatTime } from '../lib/format.ts';
import { useRunners } from '../lib/use-runners.ts';
import { modelProfiles, openTaskStatus, repos } from '../state/lists.ts';
import { taskStatusOf } from '../state/task-model.ts';
import { TaskStore } from '../state/task-store.ts';
import { ConnectionBanner } from '../components/connection-banner.tsx';
import { ComparePanel } from '../components/diff/compare-panel.tsx';
import { FollowUpBox } from '../components/follow-up-box.tsx';
import { lazy } from '../components/lazy.tsx';
import { RunCard } from '../components/run-card.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { DiffView } from '../components/diff-view.tsx';
import { Empty, LoadError, Loading } from '../components/ui.tsx';

const NO_PROFILES: ModelProfile[] = [];
const PrPanel = lazy(async () => (await import('../components/pr/pr-panel.tsx')).PrPanel, 'Loading the pull request panel…');

export function TaskPage(props: { id: string }) {
  const store = useMemo(() => new TaskStore(props.id), [props.id]);
  useEffect(() => {
    store.open();
    // The diff viewer's chunk loads while the task and its events do, not after the first patch shows up.
    DiffView.preload();
    void modelProfiles.ensure();
    void repos.ensure();
    return () => {
      store.close();
      openTaskStatus.value = null;
    };
  }, [store]);
  // Runs with their live status, as one value that changes only when a status does: the page
  // (and the follow-up box and PR panel under it) re-render on status changes, not on every
  // streamed line — each card follows its own run's stream.
  const statusKey = useComputed(() => (store.detail.state.value.data?.runs ?? [])
    .map((r) => `${r.id}=${store.view(r.id).value.status ?? r.status}`).join(' '));
  const runs = store.detail.state.value.data?.runs;
  const ordered = useMemo(() => [...(runs ?? [])].sort((a, b) => a.createdAt - b.createdAt || a.attempt - b.attempt), [runs]);
  const current = useMemo(() => {
    const live = new Map(statusKey.value.split(' ').map((kv) => kv.split('=') as [string, Run['status']]));
    return ordered.map((r) => (live.get(r.id) ?? r.status) === r.status ? r : { ...r, status: live.get(r.id)! });
  }, [ordered, statusKey.value]);
  // A queued card says why it waits, from the runner list: keep it fresh while one waits.
  useRunners(current.some((r) => r.status === 'queued'));
  const profiles = modelProfiles.state.value.data ?? NO_PROFILES;
  const labels = useMemo(() => attemptLabels(ordered, (r) => modelName(r, profiles)), [ordered, profiles]);
  const runLabel = useMemo(() => (r: Run) => labels.get(r.id) ?? `Attempt ${r.attempt}`, [labels]);

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

  const { task, messages } = data;
  const instruction = messages.find((m) => m.role === 'user')?.content ?? '';
  const followUps = messages.filter((m) => m.role === 'user').slice(1);
  const repo = repos.state.value.data?.find((r) => r.id === task.repoId);
  const liveStatus = current.length ? taskStatusOf(current.map((r) => r.status)) : task.status;

  return (
    <div class="page task-page" data-testid="task-page" data-task-id={task.id}>
      <header class="task-head">
        <h1 data-testid="task-title">{task.title}</h1>
        <p class="task-meta">
          <StatusBadge status={liveStatus} testId="task-status" />{' '}
          {repo ? repo.displayName : 'repository'} · base <code>{task.baseRef}</code> · created {formatTime(task.createdAt)}
        </p>
        {task.issue && (
          <p class="task-issue" data-testid="task-issue">
            From issue <a href={task.issue.url} target="_blank" rel="noopener noreferrer">#{task.issue.number} {task.issue.title}</a>
          </p>
        )}
        <blockquote class="instruction" data-testid="task-instruction">{instruction}</blockquote>
        {followUps.map((m) => <blockquote key={m.id} class="instruction follow-up">{m.content}</blockquote>)}
      </header>
      <PublishStatus taskId={task.id} status={liveStatus} />
      <ConnectionBanner live={store.live.value} />
      {status === 'error' && <p class="error-text" role="alert">Could not refresh the task: {error}</p>}
      {current.length === 0 ? (
        <Empty>This task has no attempts yet.</Empty>
      ) : (
        <div class="run-grid" data-testid="run-grid">
          {ordered.map((run) => <RunCard key={run.id} store={store} run={run} label={runLabel(run)} isWinner={run.id === task.winnerRunId} />)}
        </div>
      )}
      <ComparePanel store={store} runs={current} runLabel={runLabel} />
      {current.length > 0 && <FollowUpBox store={store} task={task} runs={current} profiles={profiles} runLabel={runLabel} />}
      <PrPanel task={task} runs={current} repo={repo ?? null} runLabel={runLabel} />
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
