/**
 * No PR yet: "Draft pull request" asks the API for a title and body for the winner (written by a
 * model, following the repo's PR template), both editable; then "Create pull request" opens it
 * on GitHub, or "Open on GitHub" returns the compare link to open it by hand.
 */
import { useRef, useState } from 'preact/hooks';
import type { PullRequest, PullRequestDraft, Run } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { keyFor } from '../../lib/follow-up.ts';
import type { KeyedSubmission } from '../../lib/follow-up.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ErrorText, Field, StatusText } from '../ui.tsx';

export function PrCreate(props: { taskId: string; winner: Run | null; runLabel: (r: Run) => string; onCreated: (pr: PullRequest) => void }) {
  const { taskId, winner } = props;
  const [draft, setDraft] = useState<(PullRequestDraft & { run: Run }) | null>(null);
  const drafting = useSubmit();
  const onDraft = () => {
    if (!winner) return;
    void drafting.submit(async () => {
      const { draft } = await api.draftPr(taskId, { runId: winner.id });
      setDraft({ ...draft, run: winner });
    }, 'Writing the title and body…');
  };

  return (
    <div class="pr-create">
      {winner
        ? <p class="hint">The PR will carry {props.runLabel(winner)}, the winner, on a branch dursor owns.</p>
        : <p class="hint" id="pr-no-winner">Choose the attempt to ship first: “Choose as winner” on a succeeded attempt’s card.</p>}
      <div class="form-actions">
        <button type="button" class={draft ? 'secondary' : ''} onClick={onDraft} disabled={!winner || drafting.pending}
          aria-busy={drafting.pending} aria-describedby={winner ? undefined : 'pr-no-winner'}>
          {drafting.pending ? 'Drafting…' : draft ? 'Draft again' : 'Draft pull request'}
        </button>
        <StatusText message={drafting.done} />
      </div>
      <ErrorText message={drafting.error} testId="pr-error" />
      {draft && <DraftForm key={draft.run.id + draft.title} {...props} draft={draft} winnerChanged={winner?.id !== draft.run.id} />}
    </div>
  );
}

function DraftForm(props: {
  taskId: string; draft: PullRequestDraft & { run: Run }; winnerChanged: boolean;
  runLabel: (r: Run) => string; onCreated: (pr: PullRequest) => void;
}) {
  const { draft } = props;
  const [title, setTitle] = useState(draft.title);
  const [body, setBody] = useState(draft.body);
  const [asDraft, setAsDraft] = useState(false);
  const [compareUrl, setCompareUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const creating = useSubmit();
  const linking = useSubmit();
  const submission = useRef<KeyedSubmission | null>(null);
  const fields = { runId: draft.run.id, title: title.trim(), body, draft: asDraft };

  const onCreate = (e: Event) => {
    e.preventDefault();
    if (!fields.title) return creating.setError('Give the pull request a title.');
    const sub = keyFor(submission.current, JSON.stringify(fields));
    submission.current = sub;
    void creating.submit(async () => {
      const res = await api.createPr(props.taskId, { ...fields, mode: 'create' }, sub.key);
      if (res.pr) return props.onCreated(res.pr);
      setCompareUrl(res.compareUrl);
      return 'GitHub did not open the PR; use the compare link.';
    }, 'Creating the pull request on GitHub…');
  };
  const onLink = () => void linking.submit(async () => {
    const res = await api.createPr(props.taskId, { ...fields, title: fields.title || undefined, mode: 'link' });
    setCompareUrl(res.compareUrl);
    if (!res.compareUrl) return 'GitHub gave no compare link for this branch.';
  }, 'Getting the compare link…');
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(compareUrl ?? '');
      setCopied('Link copied.');
    } catch {
      setCopied('Copy failed — select the link and copy it by hand.');
    }
  };

  return (
    <form class="stack-form pr-draft" onSubmit={onCreate} data-testid="pr-draft">
      <p class="hint" data-testid="pr-written-by">
        For {props.runLabel(draft.run)} · {draft.writtenBy ? `written by ${draft.writtenBy}` : 'written from the task'}
        {draft.template !== null && ' · follows the repository’s PR template'}
      </p>
      {draft.note && <p class="notice">{draft.note}</p>}
      {props.winnerChanged && <p class="notice">The winner changed since this draft; “Draft again” describes the new one.</p>}
      <Field label="Title">
        {(id) => <input id={id} required maxLength={256} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <Field label="Body" class="wide" hint="Markdown, as GitHub shows it.">
        {(id, hint) => <textarea id={id} rows={12} value={body} aria-describedby={hint} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
      <label class="check"><input type="checkbox" checked={asDraft} onChange={(e) => setAsDraft(e.currentTarget.checked)} /> Mark as draft on GitHub</label>
      <ErrorText message={creating.error ?? linking.error} testId="pr-error" />
      <div class="form-actions">
        <button type="submit" disabled={creating.pending} aria-busy={creating.pending}>{creating.pending ? 'Creating…' : 'Create pull request'}</button>
        <button type="button" class="secondary" onClick={onLink} disabled={linking.pending} aria-busy={linking.pending}>
          {linking.pending ? 'Opening…' : 'Open on GitHub'}
        </button>
        <StatusText message={creating.done ?? linking.done} />
      </div>
      {compareUrl && (
        <p class="compare-link" data-testid="pr-compare-url">
          Open the PR by hand: <a href={compareUrl} target="_blank" rel="noopener noreferrer">{compareUrl}</a>{' '}
          <button type="button" class="secondary small" onClick={onCopy}>Copy compare link</button>{' '}
          <span class="hint" role="status">{copied}</span>
        </p>
      )}
    </form>
  );
}
