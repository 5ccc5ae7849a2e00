/**
 * Settings → GitHub: the connection as the API describes it (kind, account, app, API URL,
 * webhook yes/no, token hint — never a secret), the app's install link, Disconnect, who may start
 * runs from `@dursor` comments (github-allowlist.tsx), and the connect forms when there is none. Also shows the notice the manifest flow's redirect leaves in
 * the query string. Loaded lazily: most visits to Settings never touch it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { GitHubConnection } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { formatTime } from '../../lib/format.ts';
import { githubNotice, withoutNotice } from '../../lib/github-connect.ts';
import type { GitHubNotice } from '../../lib/github-connect.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { githubConnection } from '../../state/lists.ts';
import { session } from '../../state/session.ts';
import { Link } from '../../components/link.tsx';
import { ErrorText, LoadError, Loading } from '../../components/ui.tsx';
import { GitHubAllowlist } from './github-allowlist.tsx';
import { GitHubConnectForms } from './github-connect-forms.tsx';

export function GitHubSection() {
  const [notice, setNotice] = useState<GitHubNotice | null>(null);
  useEffect(() => {
    const n = githubNotice(location.search);
    if (n) {
      setNotice(n);
      history.replaceState(history.state, '', location.pathname + withoutNotice(location.search) + location.hash);
    }
    void githubConnection.load();
  }, []);
  const { status, data, error } = githubConnection.state.value;
  const s = session.value;
  const owner = s.kind === 'signed-in' && s.user.role === 'owner';

  return (
    <section class="card settings-section" data-testid="github" aria-labelledby="github-heading">
      <h2 id="github-heading">GitHub</h2>
      <p class="hint">dursor clones, pushes and opens pull requests through a GitHub App (recommended) or a personal access token.</p>
      {notice && (
        <p class={notice.kind === 'ok' ? 'notice' : 'error-text'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid="github-notice">
          {notice.message}
        </p>
      )}
      {status === 'error' && <LoadError message={error ?? ''} onRetry={() => void githubConnection.load()} />}
      {data === null
        ? status !== 'error' && <Loading what="Loading the GitHub connection…" />
        : data.connection
          ? <ConnectionView connection={data.connection} owner={owner} />
          : owner
            ? <GitHubConnectForms />
            : <p class="empty">GitHub is not connected. Ask the owner of this dursor to connect it.</p>}
    </section>
  );
}

function ConnectionView(props: { connection: GitHubConnection; owner: boolean }) {
  const c = props.connection;
  return (
    <div class="github-connection" data-testid="github-connection" data-kind={c.kind}>
      <dl class="facts">
        <dt>Connected with</dt>
        <dd>{c.kind === 'app' ? 'GitHub App' : 'Personal access token'}</dd>
        {c.account && <><dt>Account</dt><dd>{c.account}</dd></>}
        {c.kind === 'app' && (
          <><dt>App</dt><dd>{c.appSlug ? <code>{c.appSlug}</code> : 'unnamed'}{c.appId !== null && <> (ID {c.appId})</>}</dd></>
        )}
        {c.tokenHint && <><dt>Token</dt><dd>ending in <code>…{c.tokenHint}</code></dd></>}
        <dt>API URL</dt>
        <dd><code>{c.apiBaseUrl}</code></dd>
        <dt>Webhook</dt>
        <dd data-testid="github-webhook" data-configured={String(c.webhookConfigured)}>
          {c.webhookConfigured
            ? <>configured — deliveries to <code>{location.origin}/v1/github/webhook</code> are verified</>
            : 'not configured — @dursor comments and check results are ignored until a webhook secret is set'}
        </dd>
        <dt>Since</dt>
        <dd>{formatTime(c.createdAt)}</dd>
      </dl>
      <div class="form-actions">
        {c.installUrl && (
          <a class="button" href={c.installUrl} target="_blank" rel="noopener noreferrer">Install the app</a>
        )}
        {props.owner && <DisconnectButton />}
      </div>
      {c.installUrl && <p class="hint">Install the app on every account or repository dursor should see; then add repositories under <Link href="/settings/repositories">Repositories</Link>.</p>}
      {c.kind === 'token' && <p class="hint">A personal access token cannot be narrowed: runners get it whole for git. With the GitHub App, each attempt's git gets a token for its one repository that can only push code.</p>}
      <GitHubAllowlist owner={props.owner} />
    </div>
  );
}

function DisconnectButton() {
  const { pending, error, submit } = useSubmit();
  const onClick = () => {
    if (!confirm('Disconnect GitHub? dursor will no longer clone private repositories, push branches or update pull requests until you connect again.')) return;
    void submit(async () => {
      await api.deleteGitHubConnection();
      githubConnection.set({ connection: null });
    });
  };
  return (
    <>
      <button type="button" class="danger" onClick={onClick} disabled={pending} aria-busy={pending}>
        {pending ? 'Disconnecting…' : 'Disconnect'}
      </button>
      <ErrorText message={error} testId="github-error" />
    </>
  );
}
