/**
 * /tasks/:id — the task's title, status and issue, then its rounds in order, each a user message
 * with the attempts that answer it side by side (updating live over the task's socket, with the
 * winner marked); finished rounds before the latest start collapsed (lib/task-rounds.ts). Then
 * Compare, the follow-up box and the pull-request panel (a lazy chunk). The store (REST detail +
 * live events) lives as long as the page.
 */
import { useComputed } from '@preact/signals';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ModelProfile, Run, Task } from '../../../protocol/src/index.ts';
import { attemptLabels } from '../lib/attempt-label.ts';
import { formatTime } from '../lib/format.ts';
import { groupRounds, isRoundOpen, roundNumbersOf } from '../lib/task-rounds.ts';
import { useRunners } from '../lib/use-runners.ts';
import { modelProfiles, openTaskStatus, repos } from '../state/lists.ts';
import { taskStatusOf } from '../state/task-model.ts';
import { TaskStore } from '../state/task-store.ts';
import { ConnectionBanner } from '../components/connection-banner.tsx';
import { ComparePanel } from '../components/diff/compare-panel.tsx';
import { FollowUpBox } from '../components/follow-up-box.tsx';
import { lazy } from '../components/lazy.tsx';
import { RoundSection } from '../components/round-section.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { DiffView } from '../components/diff-view.tsx';
import { LoadError, Loading } from '../components/ui.tsx';

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
  const detail = store.detail.state.value.data;
  const runs = detail?.runs;
  const ordered = useMemo(() => [...(runs ?? [])].sort((a, b) => a.createdAt - b.createdAt || a.attempt - b.attempt), [runs]);
  const current = useMemo(() => {
    const live = new Map(statusKey.value.split(' ').map((kv) => kv.split('=') as [string, Run['status']]));
    return ordered.map((r) => (live.get(r.id) ?? r.status) === r.status ? r : { ...r, status: live.get(r.id)! });
  }, [ordered, statusKey.value]);
  const rounds = useMemo(() => groupRounds(detail?.messages ?? [], current), [detail?.messages, current]);
  // What the user opened or closed, by round (message id); the rest follow isRoundOpen's default.
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  // A queued card says why it waits, from the runner list: keep it fresh while one waits.
  useRunners(current.some((r) => r.status === 'queued'));
  const profiles = modelProfiles.state.value.data ?? NO_PROFILES;
  const labels = useMemo(() => attemptLabels(ordered, (r) => modelName(r, profiles), roundNumbersOf(rounds)), [ordered, profiles, rounds]);
  const runLabel = useMemo(() => (r: Run) => labels.get(r.id) ?? `Attempt ${r.attempt}`, [labels]);

  const { status, error } = store.detail.state.value;
  if (detail === null) {
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

  const { task } = detail;
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
      </header>
      <PublishStatus taskId={task.id} status={liveStatus} />
      <ConnectionBanner live={store.live.value} />
      {status === 'error' && <p class="error-text" role="alert">Could not refresh the task: {error}</p>}
      <div class="rounds" data-testid="rounds">
        {rounds.map((round, i) => {
          const open = isRoundOpen(round, i === rounds.length - 1, chosen[round.key]);
          return (
            <RoundSection key={round.key} store={store} round={round} open={open} runLabel={runLabel} winnerRunId={task.winnerRunId}
              onToggle={() => setChosen((c) => ({ ...c, [round.key]: !open }))} />
          );
        })}
      </div>
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
