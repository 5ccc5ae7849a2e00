/**
 * The task's pull request (lazy chunk): loads GET /v1/tasks/:id/pr, then either the way to open
 * one from the winner (draft → edit → create, or a compare link) or the PR itself (state, checks,
 * update, replace). `data-state` says which: loading | none | open | merged | closed. While a PR
 * is open it is re-read every 30 s, since webhooks update its state and checks on the server.
 */
import { useEffect } from 'preact/hooks';
import type { Repo, Run, Task } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { prPanelState } from '../../lib/pr.ts';
import { useResource } from '../../lib/resource.ts';
import { LoadError, Loading } from '../ui.tsx';
import { PrCreate } from './pr-create.tsx';
import { PrView } from './pr-view.tsx';

const POLL_MS = 30_000;

export function PrPanel(props: { task: Task; runs: Run[]; repo: Repo | null; runLabel: (r: Run) => string }) {
  const { task, repo } = props;
  const pr = useResource(task.id, (signal) => api.getPr(task.id, signal));
  const state = pr.data ? prPanelState(pr.data.pr) : 'loading';
  useEffect(() => {
    if (state !== 'open') return;
    const t = setInterval(() => document.visibilityState === 'visible' && pr.reload(), POLL_MS);
    return () => clearInterval(t);
  }, [state]);
  const winner = props.runs.find((r) => r.id === task.winnerRunId) ?? null;

  let body;
  if (repo && !repo.github) {
    body = <p class="hint">Pull requests need a GitHub repository. Add this repository from GitHub (Settings → Repositories) to open PRs from dursor.</p>;
  } else if (!pr.data) {
    body = pr.error
      ? <LoadError message={`Could not load the pull request: ${pr.error}`} onRetry={pr.reload} />
      : <Loading what="Loading the pull request…" />;
  } else if (pr.data.pr) {
    body = <PrView taskId={task.id} pr={pr.data.pr} winner={winner} runs={props.runs} runLabel={props.runLabel} onChange={(p) => pr.set({ pr: p })} />;
  } else {
    body = <PrCreate taskId={task.id} winner={winner} runLabel={props.runLabel} onCreated={(p) => pr.set({ pr: p })} />;
  }
  return (
    <section class="card pr-panel" data-testid="pr-panel" data-state={state} aria-labelledby="pr-heading">
      <h2 id="pr-heading">Pull request</h2>
      {body}
    </section>
  );
}
