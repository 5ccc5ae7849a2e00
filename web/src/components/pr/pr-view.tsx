/**
 * An existing PR: number and title linking to GitHub, state, branch, head, checks, and the
 * actions — Refresh (read from GitHub), Update PR (fast-forward to the winner, merging onto a
 * moved head), and Replace PR branch (only after a confirm, leased on the head shown here).
 */
import { useState } from 'preact/hooks';
import type { PullRequest, Run } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { checkBadge, checksSummary, OUTCOME_TEXT, prErrorText, shortSha } from '../../lib/pr.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ErrorText, StatusText } from '../ui.tsx';

type Props = { taskId: string; pr: PullRequest; winner: Run | null; runs: Run[]; runLabel: (r: Run) => string; onChange: (pr: PullRequest) => void };

export function PrView(props: Props) {
  const { pr, winner } = props;
  const holds = props.runs.find((r) => r.id === pr.runId);
  const action = useSubmit();
  const [confirming, setConfirming] = useState<string | null>(null); // the head sha the user agreed to replace
  const [which, setWhich] = useState<'refresh' | 'fast-forward' | 'replace' | null>(null);
  const busy = (w: typeof which) => action.pending && which === w;
  const run = (w: typeof which, work: () => Promise<string | void>, progress: string) => {
    if (action.pending) return;
    setWhich(w);
    void action.submit(async () => {
      try {
        return await work();
      } catch (err) {
        throw new Error(prErrorText(err));
      }
    }, progress);
  };
  const onRefresh = () => run('refresh', async () => {
    const res = await api.refreshPr(props.taskId);
    if (res.pr) props.onChange(res.pr);
    return 'Refreshed from GitHub.';
  }, 'Reading the PR from GitHub…');
  const onUpdate = (mode: 'fast-forward' | 'replace', expectedHeadSha?: string) => winner && run(mode, async () => {
    setConfirming(null);
    const res = await api.updatePr(props.taskId, { runId: winner.id, mode, ...(expectedHeadSha ? { expectedHeadSha } : {}) });
    props.onChange(res.pr);
    return OUTCOME_TEXT[res.outcome];
  }, mode === 'replace' ? 'Replacing the PR branch…' : 'Updating the PR branch…');
  const open = pr.state === 'open';
  const canUpdate = open && winner !== null && !action.pending;

  return (
    <div class="pr-view">
      <p class="pr-title">
        <a href={pr.url} target="_blank" rel="noopener noreferrer" data-testid="pr-link">#{pr.number} {pr.title}</a>{' '}
        <span class={`badge badge-pr-${pr.state}`} data-testid="pr-state">{pr.state}</span>
      </p>
      <p class="item-detail">
        <code>{pr.branch}</code> → <code>{pr.baseBranch}</code> · head <code data-testid="pr-head">{shortSha(pr.headSha)}</code>
        {holds && <> · holds {props.runLabel(holds)}</>}
      </p>
      <h3>Checks</h3>
      <p class="hint">{checksSummary(pr.checks)}</p>
      {pr.checks.length > 0 && (
        <ul class="pr-checks">
          {pr.checks.map((c) => {
            const b = checkBadge(c);
            return (
              <li key={`${c.kind}:${c.name}`} data-testid="pr-check" data-tone={b.tone}>
                <span class={`badge badge-check-${b.tone}`}>{b.label}</span> {c.url ? <a href={c.url} target="_blank" rel="noopener noreferrer">{c.name}</a> : c.name}
              </li>
            );
          })}
        </ul>
      )}
      {!open && <p class="hint">This PR is {pr.state}; there is nothing to update.</p>}
      {open && !winner && <p class="hint">Choose a winner to put it on the PR branch.</p>}
      {open && winner && winner.id !== pr.runId && <p class="hint">The winner is {props.runLabel(winner)}; “Update PR” puts its commits on the PR branch.</p>}
      <div class="form-actions">
        <button type="button" class="secondary" onClick={onRefresh} disabled={action.pending} aria-busy={busy('refresh')}>
          {busy('refresh') ? 'Refreshing…' : 'Refresh'}
        </button>
        <button type="button" onClick={() => onUpdate('fast-forward')} disabled={!canUpdate} aria-busy={busy('fast-forward')}>
          {busy('fast-forward') ? 'Updating…' : 'Update PR'}
        </button>
        <button type="button" class="danger" onClick={() => setConfirming(pr.headSha)} disabled={!canUpdate || confirming !== null}
          aria-busy={busy('replace')}>
          {busy('replace') ? 'Replacing…' : 'Replace PR branch'}
        </button>
      </div>
      {confirming && winner && (
        <div class="confirm" role="group" aria-labelledby="pr-replace-q" data-testid="pr-replace-confirm">
          <p id="pr-replace-q">
            Replace <code>{pr.branch}</code> (now at <code>{shortSha(confirming)}</code>) with the commits of {props.runLabel(winner)}?
            Commits on the PR branch that the winner does not have are dropped. If the branch moved since, nothing is changed.
          </p>
          <div class="form-actions">
            <button type="button" class="danger" onClick={() => onUpdate('replace', confirming)}>Confirm replace</button>
            <button type="button" class="secondary" onClick={() => setConfirming(null)}>Keep the branch</button>
          </div>
        </div>
      )}
      <ErrorText message={action.error} testId="pr-error" />
      <StatusText message={action.done} />
    </div>
  );
}
