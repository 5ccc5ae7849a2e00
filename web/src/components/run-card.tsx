/**
 * One attempt of a task, updating live: header (attempt, model, status, elapsed, Cancel, winner),
 * why it is still queued (no free slot, or no connected runner offers its agent), the transcript
 * (streamed text with tool calls in between), log lines, and once the result is in, the files
 * changed, the coloured diff, or the reason it failed (with Retry). Reads only its own
 * run's signal, so other attempts streaming do not re-render it. Focusable (tabIndex -1) so the
 * `j`/`k` shortcuts can move between cards.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Run } from '../../../protocol/src/index.ts';
import { isTerminal } from '../../../protocol/src/index.ts';
import { errorMessage } from '../lib/api.ts';
import { EXECUTOR_LABELS } from '../lib/new-task.ts';
import { canRetry } from '../lib/retry.ts';
import { isNoRunnerError, offeredAgents, queuedHint } from '../lib/runner-offers.ts';
import { runners } from '../state/lists.ts';
import type { TaskStore } from '../state/task-store.ts';
import { isActive } from '../state/task-model.ts';
import { DiffView } from './diff-view.tsx';
import { Elapsed } from './elapsed.tsx';
import { Link } from './link.tsx';
import { RetryButton } from './retry-button.tsx';
import { RunLogs } from './run-logs.tsx';
import { RunSummary } from './run-summary.tsx';
import { RunTranscript } from './run-transcript.tsx';
import { StatusBadge } from './status-badge.tsx';
import { ErrorText } from './ui.tsx';
import { WinnerControl } from './winner-control.tsx';

export function RunCard(props: { store: TaskStore; run: Run; label: string; isWinner: boolean }) {
  const { store, run } = props;
  const view = store.view(run.id).value;
  const status = view.status ?? run.status;
  const result = view.result;
  const active = isActive(status);
  const needsPatch = result !== null && result.patch === undefined && (result.stats.files > 0 || run.stats.files > 0);
  const fetched = store.patches.value[run.id];
  const patch = result?.patch ?? (typeof fetched === 'string' ? fetched : null);
  useEffect(() => {
    if (needsPatch) void store.ensurePatch(run.id);
  }, [needsPatch, run.id]);

  const files = result?.files ?? (isTerminal(status) ? run.files : []);
  const stats = result?.stats ?? run.stats;
  const errorReason = status === 'failed' || status === 'cancelled' || status === 'lost'
    ? result?.error ?? view.statusReason ?? run.error ?? (status === 'lost' ? 'The runner stopped answering; the attempt moves to another runner (a patch-agent attempt continues from its last finished turn).' : null)
    : null;
  const finished = view.finishedAt ?? run.finishedAt;

  return (
    <article class={`run-card status-${status}${props.isWinner ? ' winner' : ''}`} data-testid="run-card" data-run-id={run.id} data-status={status} aria-labelledby={`run-title-${run.id}`} tabIndex={-1}>
      <header class="run-head">
        <h3 id={`run-title-${run.id}`} class="run-title">{props.label}</h3>
        <div class="run-meta">
          <StatusBadge status={status} testId="run-status" />
          <Elapsed start={view.startedAt ?? run.startedAt} end={active ? null : finished ?? view.startedAt ?? run.startedAt} />
          {active && <CancelButton store={store} runId={run.id} />}
          <WinnerControl store={store} runId={run.id} isWinner={props.isWinner} eligible={status === 'succeeded'} />
        </div>
      </header>

      {status === 'queued' && view.timeline.length === 0 && <QueuedHint executor={run.executor} />}
      <RunTranscript view={view} active={active} />
      {result?.summary && !view.text && <p class="run-summary">{result.summary}</p>}
      <RunLogs logs={view.logs} />

      {errorReason && (
        <p class={`run-error run-error-${status}`} role="alert" data-testid="run-error">{errorReason}</p>
      )}
      {isNoRunnerError(errorReason) && (
        <p class="hint" data-testid="no-runner-help">
          Start a runner that has {EXECUTOR_LABELS[run.executor]} installed (<Link href="/settings/runners">Settings → Runners</Link>), then Retry.
        </p>
      )}
      {canRetry(status) && <RetryButton store={store} run={run} />}

      {isTerminal(status) && status === 'succeeded' && (
        <div class="run-result">
          {files.length === 0 ? (
            <p class="hint">No files changed.</p>
          ) : patch ? (
            <DiffView patch={patch} truncated={result?.patchTruncated} files={files} stats={stats} branch={run.branch} />
          ) : (
            <>
              <p class="run-stats">
                {stats.files} {stats.files === 1 ? 'file' : 'files'} changed{' '}
                <span class="plus">+{stats.additions}</span> <span class="minus">−{stats.deletions}</span>
                {run.branch && <> · pushed to <code>{run.branch}</code></>}
              </p>
              <ul class="file-list" data-testid="run-files">
                {files.map((f) => (
                  <li key={f.path} data-path={f.path}>
                    <span class={`file-status file-${f.status}`}>{f.status}</span>
                    <code class="file-path">{f.path}</code>
                    {f.binary ? <span class="hint">binary</span> : (
                      <span class="file-delta"><span class="plus">+{f.additions}</span> <span class="minus">−{f.deletions}</span></span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          {!patch && needsPatch && <p class="hint">Loading the diff…</p>}
        </div>
      )}

      <RunSummary run={run} view={view} finished={isTerminal(status)} />
    </article>
  );
}

/** Why a queued attempt waits: a free slot, no runner at all, or no runner offering its agent. Reads the runner list the task page keeps fresh. */
function QueuedHint(props: { executor: Run['executor'] }) {
  return <p class="hint" data-testid="queued-hint">{queuedHint(props.executor, offeredAgents(runners.state.value.data))}</p>;
}

function CancelButton(props: { store: TaskStore; runId: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClick = async () => {
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      await props.store.cancel(props.runId);
    } catch (err) {
      setError(errorMessage(err));
      setPending(false);
    }
  };
  return (
    <>
      <button type="button" class="danger small" onClick={onClick} disabled={pending} aria-busy={pending}>Cancel</button>
      <ErrorText message={error} testId="cancel-error" />
    </>
  );
}
