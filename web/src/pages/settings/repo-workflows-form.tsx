/**
 * A repository's workflow allowance (issue 11), under its row in Settings → Repositories: whether
 * its runs may change `.github/workflows/`. Off by default, because a workflow runs in the
 * repository's CI with its secrets; a run that changes one while it is off fails with a `policy:`
 * reason and pushes nothing. Saved as soon as the box changes.
 */
import { useState } from 'preact/hooks';
import type { Repo } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { repos } from '../../state/lists.ts';
import { ErrorText, StatusText } from '../../components/ui.tsx';

export function RepoWorkflowsForm(props: { repo: Repo }) {
  const r = props.repo;
  // The box shows what was clicked at once; a refused save puts it back.
  const [on, setOn] = useState(r.allowWorkflowChanges);
  const { pending, error, done, submit } = useSubmit();
  const onChange = (allowWorkflowChanges: boolean) => {
    setOn(allowWorkflowChanges);
    void submit(async () => {
      try {
        const { repo } = await api.updateRepo(r.id, { allowWorkflowChanges });
        repos.set((repos.data ?? []).map((x) => (x.id === repo.id ? repo : x)));
      } catch (e) {
        setOn(!allowWorkflowChanges);
        throw e;
      }
      return allowWorkflowChanges ? 'Saved: new runs may change workflows.' : 'Saved: new runs may not change workflows.';
    }, 'Saving…');
  };
  return (
    <div class="repo-workflows" data-testid="repo-workflows">
      <label class="check">
        <input type="checkbox" checked={on} disabled={pending} data-testid="repo-workflows-toggle"
          onChange={(e) => onChange(e.currentTarget.checked)} />
        {' '}Runs may change GitHub Actions workflows (<code>.github/workflows/</code>) in {r.displayName}
      </label>
      <p class="hint">Off by default: a workflow runs in CI with the repository's secrets.</p>
      <ErrorText message={error} testId="repo-workflows-error" />
      <StatusText message={done} />
    </div>
  );
}
