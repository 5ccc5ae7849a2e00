/**
 * Settings → Account: who is signed in, a password change (signs every other session out), and
 * bearer API tokens for scripts — created (shown once), listed with their last use, revoked.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiToken } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { formatTime } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { apiTokens } from '../../state/lists.ts';
import { session } from '../../state/session.ts';
import { ResourceList } from '../../components/resource-list.tsx';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';

export function AccountSection() {
  const s = session.value;
  const user = s.kind === 'signed-in' ? s.user : null;
  return (
    <section class="card settings-section" data-testid="account">
      <h2>Account</h2>
      {user ? <p class="hint">Signed in as <strong>{user.email}</strong> ({user.role}).</p> : null}
      <PasswordForm />
      <ApiTokens />
    </section>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { pending, error, done, submit } = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit(async () => {
      await api.changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      return 'Password changed. Other browsers and devices are signed out.';
    }, 'Changing the password…');
  };
  return (
    <form class="stack-form" onSubmit={onSubmit}>
      <h3>Password</h3>
      <div class="form-grid">
        <Field label="Current password">
          {(id) => <input id={id} type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />}
        </Field>
        <Field label="New password" hint="At least 8 characters.">
          {(id, hint) => <input id={id} type="password" autocomplete="new-password" required minLength={8} aria-describedby={hint} value={next} onInput={(e) => setNext(e.currentTarget.value)} />}
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" disabled={pending}>{pending ? 'Changing…' : 'Change password'}</button>
      </div>
      <ErrorText message={error} />
      <StatusText message={done} />
    </form>
  );
}

function ApiTokens() {
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const { pending, error, done, setError, submit } = useSubmit();
  useEffect(() => {
    void apiTokens.load();
  }, []);
  const onCreate = (e: Event) => {
    e.preventDefault();
    void submit(async () => {
      const created = await api.createApiToken({ name });
      setShown({ name: created.name, token: created.token });
      setName('');
      await apiTokens.load();
    }, 'Creating the token…');
  };
  const onRevoke = async (t: ApiToken) => {
    if (!confirm(`Revoke the API token “${t.name}”? Scripts using it stop working at once.`)) return;
    try {
      await api.revokeApiToken(t.id);
      apiTokens.set((apiTokens.data ?? []).filter((x) => x.id !== t.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div data-testid="api-tokens">
      <h3>API tokens</h3>
      <p class="hint">For scripts: send <code>Authorization: Bearer &lt;token&gt;</code> to the API under <code>/v1</code>.</p>
      <ResourceList resource={apiTokens} loading="Loading tokens…" emptyTestId="api-tokens-empty" empty="No API tokens yet — create one below."
        row={(t) => (
          <li key={t.id} data-testid="api-token">
            <div class="item-main">
              <strong>{t.name}</strong>
              <span class="item-detail">Created {formatTime(t.createdAt)} · {t.lastUsedAt ? `last used ${formatTime(t.lastUsedAt)}` : 'never used'}</span>
            </div>
            <button type="button" class="secondary small" onClick={() => void onRevoke(t)}>
              Revoke<span class="visually-hidden"> {t.name}</span>
            </button>
          </li>
        )} />
      {shown ? (
        <div class="token-box" role="status" data-testid="api-token-created">
          <p>Token <strong>{shown.name}</strong> — copy it now, it is not shown again:</p>
          <pre class="command" tabIndex={0}>{shown.token}</pre>
        </div>
      ) : null}
      <form class="stack-form" onSubmit={onCreate}>
        <Field label="Token name">
          {(id) => <input id={id} required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <div class="form-actions">
          <button type="submit" disabled={pending}>{pending ? 'Creating…' : 'Create API token'}</button>
        </div>
      </form>
      <ErrorText message={error} />
      <StatusText message={done} />
    </div>
  );
}
