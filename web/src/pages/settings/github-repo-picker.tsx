/**
 * Settings → Repositories → "Add from GitHub": the repositories the connection can see
 * (GET /v1/github/repos, fetched when the section opens since it asks GitHub), registered with
 * `github: { fullName, installationId }` so clone and push use the connection's credentials.
 */
import { useEffect, useState } from 'preact/hooks';
import type { GitHubRepoChoice } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { repos } from '../../state/lists.ts';
import { ErrorText, Field, LoadError, Loading, StatusText } from '../../components/ui.tsx';

export function GitHubRepoPicker() {
  const [choices, setChoices] = useState<GitHubRepoChoice[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [fullName, setFullName] = useState('');
  const { pending, error, done, setError, submit } = useSubmit();
  useEffect(() => {
    let live = true;
    setLoadError(null);
    api.listGitHubRepos().then(
      (r) => live && setChoices(r.repos),
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const added = new Set((repos.state.value.data ?? []).flatMap((r) => (r.github ? [r.github.fullName.toLowerCase()] : [])));
  const available = (choices ?? []).filter((c) => !added.has(c.fullName.toLowerCase()));
  const selected = available.find((c) => c.fullName === fullName) ?? available[0] ?? null;

  const onSubmit = (e: Event) => {
    e.preventDefault();
    if (!selected) return setError('Choose a repository.');
    void submit(async () => {
      const { repo } = await api.createRepo({
        github: { fullName: selected.fullName, ...(selected.installationId !== null ? { installationId: selected.installationId } : {}) },
      });
      repos.set([...(repos.data ?? []).filter((r) => r.id !== repo.id), repo]);
      setFullName('');
      return `Added ${repo.github?.fullName ?? repo.displayName}.`;
    }, `Adding ${selected.fullName}…`);
  };

  return (
    <form class="stack-form" onSubmit={onSubmit} data-testid="github-repo-picker">
      <h3>Add from GitHub</h3>
      {loadError && <LoadError message={`Could not list your GitHub repositories: ${loadError}`} onRetry={() => setAttempt((n) => n + 1)} />}
      {choices === null && !loadError && <Loading what="Asking GitHub for your repositories…" />}
      {choices !== null && available.length === 0 && (
        <p class="empty">{choices.length === 0
          ? 'The GitHub connection cannot see any repository yet — install the app on some (Settings → GitHub).'
          : 'Every repository the connection can see is added already.'}</p>
      )}
      {selected && (
        <>
          <div class="form-grid">
            <Field label="GitHub repository" hint={`${available.length} available · default branch ${selected.defaultBranch}`}>
              {(id, hint) => (
                <select id={id} value={selected.fullName} aria-describedby={hint} onChange={(e) => setFullName(e.currentTarget.value)}>
                  {available.map((c) => <option key={c.fullName} value={c.fullName}>{c.fullName}{c.private ? ' (private)' : ''}</option>)}
                </select>
              )}
            </Field>
          </div>
          <p class="picked">
            <a href={selected.htmlUrl} target="_blank" rel="noopener noreferrer">{selected.fullName}</a>{' '}
            {selected.private && <span class="badge" data-testid="private-badge">private</span>}
          </p>
          <ErrorText message={error} testId="github-repo-error" />
          <div class="form-actions">
            <button type="submit" disabled={pending} aria-busy={pending}>{pending ? 'Adding…' : 'Add from GitHub'}</button>
            <StatusText message={done} />
          </div>
        </>
      )}
      {!selected && done && <StatusText message={done} />}
    </form>
  );
}
