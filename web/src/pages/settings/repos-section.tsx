/**
 * Settings → Repositories: list them (GitHub ones with their owner/name and link, each with its
 * sandbox settings and whether its runs may change workflows), add one from GitHub when a
 * connection exists (picker, loaded lazily), or register a clone URL (the hint says whether this
 * dursor takes http and local addresses).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Repo } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { cloneUrlHint } from '../../lib/url-hints.ts';
import { githubConnection, repos, urlPolicy } from '../../state/lists.ts';
import { lazy } from '../../components/lazy.tsx';
import { Link } from '../../components/link.tsx';
import { ResourceList } from '../../components/resource-list.tsx';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';
import { RepoSandboxForm } from './repo-sandbox-form.tsx';
import { RepoWorkflowsForm } from './repo-workflows-form.tsx';

const GitHubRepoPicker = lazy(async () => (await import('./github-repo-picker.tsx')).GitHubRepoPicker, 'Loading the GitHub picker…');

export function ReposSection() {
  useEffect(() => {
    void repos.ensure();
    void githubConnection.ensure();
    void urlPolicy.ensure();
  }, []);
  const gh = githubConnection.state.value.data;
  const connected = Boolean(gh?.connection);
  return (
    <section class="card settings-section" data-testid="repositories">
      <h2>Repositories</h2>
      <p class="hint">Runners clone these and push one branch per attempt.</p>
      <ResourceList resource={repos} loading="Loading repositories…" emptyTestId="repos-empty" listTestId="repo-list"
        empty="No repositories yet — add one below." row={(r) => <RepoRow key={r.id} repo={r} />} />
      {connected && <GitHubRepoPicker />}
      {gh && !connected && (
        <p class="hint">Or <Link href="/settings/github">connect GitHub</Link> to pick repositories from a list, private ones included.</p>
      )}
      <AddRepoForm />
    </section>
  );
}

function RepoRow(props: { repo: Repo }) {
  const r = props.repo;
  const [error, setError] = useState<string | null>(null);
  const onDelete = async () => {
    if (!confirm(`Remove the repository “${r.displayName}” from dursor? The repository itself is not touched.`)) return;
    try {
      await api.deleteRepo(r.id);
      repos.set((repos.data ?? []).filter((x) => x.id !== r.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <li data-testid="repo" data-repo-id={r.id}>
      <div class="item-main">
        <strong>{r.displayName}</strong>
        {r.github && (
          <span class="item-detail" data-testid="repo-github">
            GitHub <a href={r.github.htmlUrl} target="_blank" rel="noopener noreferrer">{r.github.fullName}</a>
          </span>
        )}
        <span class="item-detail"><code>{r.cloneUrl}</code> · default branch <code>{r.defaultBranch}</code></span>
        <RepoSandboxForm repo={r} />
        <RepoWorkflowsForm repo={r} />
      </div>
      <button type="button" class="secondary small" onClick={onDelete}>
        Remove<span class="visually-hidden"> {r.displayName}</span>
      </button>
      <ErrorText message={error} />
    </li>
  );
}

function AddRepoForm() {
  const [cloneUrl, setCloneUrl] = useState('');
  const [defaultBranch, setDefaultBranch] = useState('main');
  const { pending, error, done, submit } = useSubmit();

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit(async () => {
      const { repo } = await api.createRepo({ cloneUrl: cloneUrl.trim(), defaultBranch: defaultBranch.trim() || 'main' });
      repos.set([...(repos.data ?? []).filter((r) => r.id !== repo.id), repo]);
      setCloneUrl('');
      setDefaultBranch('main');
      return `Added ${repo.displayName}.`;
    }, 'Adding the repository…');
  };

  return (
    <form class="stack-form" onSubmit={onSubmit}>
      <h3>Add a repository by clone URL</h3>
      <div class="form-grid">
        <Field label="Clone URL" hint={cloneUrlHint(urlPolicy.state.value.data)}>
          {(id, hint) => (
            <input id={id} type="url" inputMode="url" required placeholder="https://" value={cloneUrl}
              aria-describedby={hint} onInput={(e) => setCloneUrl(e.currentTarget.value)} />
          )}
        </Field>
        <Field label="Default branch">
          {(id) => <input id={id} required value={defaultBranch} onInput={(e) => setDefaultBranch(e.currentTarget.value)} />}
        </Field>
      </div>
      <ErrorText message={error} testId="repo-error" />
      <div class="form-actions">
        <button type="submit" disabled={pending} aria-busy={pending}>Add repository</button>
        <StatusText message={done} />
      </div>
    </form>
  );
}
