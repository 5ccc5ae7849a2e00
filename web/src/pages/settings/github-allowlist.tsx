/**
 * Settings → GitHub: who may start runs with `@dursor` comments besides people with write access
 * to the repository (issue "Seal every attempt": a comment spends the owner's model keys on the
 * owner's runners). Says what the list does, lists the logins, and lets the owner add (checked
 * here as the API checks it) and remove them; members see the list.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AllowedGitHubLogin } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { parseLogin, withLogin, withoutLogin } from '../../lib/github-allowlist.ts';
import { formatTime } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { githubAllowlist } from '../../state/lists.ts';
import { ResourceList } from '../../components/resource-list.tsx';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';

export function GitHubAllowlist(props: { owner: boolean }) {
  const [login, setLogin] = useState('');
  const { pending, error, done, setError, submit } = useSubmit();
  useEffect(() => {
    void githubAllowlist.load();
  }, []);
  const list = githubAllowlist.data ?? [];

  const onAdd = (e: Event) => {
    e.preventDefault();
    const parsed = parseLogin(login);
    if (!parsed.ok) return setError(parsed.message);
    void submit(async () => {
      const { login: added } = await api.allowGitHubLogin(parsed.login);
      githubAllowlist.set(withLogin(githubAllowlist.data ?? [], added));
      setLogin('');
      return `${added.login} can now start runs with @dursor comments.`;
    }, `Adding ${parsed.login}…`);
  };
  const onRemove = async (l: AllowedGitHubLogin) => {
    try {
      await api.disallowGitHubLogin(l.login);
      githubAllowlist.set(withoutLogin(githubAllowlist.data ?? [], l.login));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div class="github-allowlist" data-testid="github-allowlist">
      <h3>Who can start runs from comments</h3>
      <p class="hint">
        A comment mentioning <code>@dursor</code> on one of dursor's pull requests starts new attempts on your runners,
        paid with your model keys. dursor does that only for people with write, maintain or admin access to the
        repository; anyone else gets one reply on the pull request saying they cannot. Logins on this list can start
        runs too, without write access — add people you trust, such as outside contributors.
      </p>
      <ResourceList resource={githubAllowlist} loading="Loading the allowlist…" emptyTestId="github-allowlist-empty"
        empty="No one is on the list: only people with write access to a repository can start runs from comments."
        row={(l) => (
          <li key={l.login} data-testid="github-allowed-login" data-login={l.login}>
            <div class="item-main">
              <strong>{l.login}</strong>
              <span class="item-detail">Added {formatTime(l.createdAt)}</span>
            </div>
            {props.owner && (
              <button type="button" class="secondary small" onClick={() => void onRemove(l)}>
                Remove<span class="visually-hidden"> {l.login}</span>
              </button>
            )}
          </li>
        )} />
      {props.owner && (
        <form class="stack-form" onSubmit={onAdd} noValidate>
          <Field label="GitHub login" hint="As on their GitHub profile, e.g. octocat; an @ in front or a profile link works too.">
            {(id, hint) => (
              <input id={id} autocomplete="off" spellcheck={false} maxLength={200} value={login} aria-describedby={hint}
                onInput={(e) => setLogin(e.currentTarget.value)} />
            )}
          </Field>
          <div class="form-actions">
            <button type="submit" disabled={pending} aria-busy={pending}>{pending ? 'Adding…' : 'Allow this login'}</button>
            <StatusText message={done} />
          </div>
          <ErrorText message={error} testId="github-allowlist-error" />
        </form>
      )}
      {!props.owner && list.length > 0 && <p class="hint">Only the owner of this dursor can change the list.</p>}
    </div>
  );
}
