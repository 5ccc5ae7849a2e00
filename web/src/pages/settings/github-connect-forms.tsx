/**
 * The three ways to connect GitHub, one shown at a time (tabs, so each label — "Webhook secret",
 * "API URL" — exists once on the page): create a new app with GitHub's app-manifest flow, enter
 * an existing app, or a personal access token. Secrets are sent once and never shown again.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { GitHubManifestResponse } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { apiUrls, appConnectionBody, tokenConnectionBody } from '../../lib/github-connect.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';
import { ApiUrlField, SecretField, Submit, useConnect } from './github-form-parts.tsx';

const TABS = [
  { id: 'manifest', label: 'New GitHub App' },
  { id: 'app', label: 'Existing GitHub App' },
  { id: 'token', label: 'Personal access token' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export function GitHubConnectForms() {
  const [tab, setTab] = useState<Tab>('manifest');
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    setTab(next.id);
    document.getElementById(`gh-tab-${next.id}`)?.focus();
  };
  return (
    <div class="stack-form">
      <h3>Connect GitHub</h3>
      <div class="tabs" role="tablist" aria-label="How to connect" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" id={`gh-tab-${t.id}`} class="tab" aria-selected={tab === t.id}
            aria-controls={`gh-panel-${t.id}`} tabIndex={tab === t.id ? 0 : -1} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`gh-panel-${tab}`} aria-labelledby={`gh-tab-${tab}`} class="tab-panel">
        {tab === 'manifest' && <ManifestForm />}
        {tab === 'app' && <AppForm />}
        {tab === 'token' && <TokenForm />}
      </div>
    </div>
  );
}

/** GitHub's documented flow: a real form POST of `manifest` to GitHub, which redirects back to the Worker. */
function ManifestForm() {
  const [org, setOrg] = useState('');
  const [apiUrl, setApiUrl] = useState('');
  const [manifest, setManifest] = useState<GitHubManifestResponse | null>(null);
  const post = useRef<HTMLFormElement>(null);
  const { pending, error, done, setError, submit } = useSubmit();
  useEffect(() => {
    if (manifest) post.current?.submit();
  }, [manifest]);
  useEffect(() => {
    // Back from GitHub restores this page from the back-forward cache: let the user start again.
    const onShow = (e: PageTransitionEvent) => e.persisted && setManifest(null);
    addEventListener('pageshow', onShow);
    return () => removeEventListener('pageshow', onShow);
  }, []);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const urls = apiUrls(apiUrl);
    if (!urls.ok) return setError(urls.message);
    void submit(async () => {
      const res = await api.startGitHubManifest({ ...(org.trim() ? { org: org.trim() } : {}), ...urls.body });
      setManifest(res);
      return 'Opening GitHub… confirm the new app there; GitHub sends you back here.';
    }, 'Preparing the app manifest…');
  };
  return (
    <>
      <form onSubmit={onSubmit}>
        <p class="hint">GitHub creates an app with the permissions dursor needs (contents, pull requests, issues, checks) and hands its keys straight to dursor.</p>
        <div class="form-grid">
          <Field label="Organization" hint="Optional. Create the app under this organization instead of your own account.">
            {(id, hint) => <input id={id} value={org} aria-describedby={hint} autocomplete="off" onInput={(e) => setOrg(e.currentTarget.value)} />}
          </Field>
          <ApiUrlField value={apiUrl} onInput={setApiUrl} />
        </div>
        <ErrorText message={error} testId="github-error" />
        <div class="form-actions">
          <button type="submit" disabled={pending || manifest !== null} aria-busy={pending}>
            {pending || manifest ? 'Opening GitHub…' : 'Create GitHub App'}
          </button>
          <StatusText message={done} />
        </div>
      </form>
      {manifest && (
        <form ref={post} method="post" action={manifest.postUrl} hidden>
          <input type="hidden" name="manifest" value={manifest.manifest} />
        </form>
      )}
    </>
  );
}

function AppForm() {
  const [appId, setAppId] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [apiUrl, setApiUrl] = useState('');
  const connect = useConnect(() => appConnectionBody({ appId, privateKey, webhookSecret, apiUrl }), 'Checking the app with GitHub…');
  return (
    <form onSubmit={connect.onSubmit}>
      <p class="hint">From the app’s settings page on GitHub: its App ID, a generated private key, and the webhook secret you set there.</p>
      <div class="form-grid">
        <Field label="App ID">
          {(id) => <input id={id} inputMode="numeric" required autocomplete="off" value={appId} onInput={(e) => setAppId(e.currentTarget.value)} />}
        </Field>
        <SecretField label="Webhook secret" value={webhookSecret} onInput={setWebhookSecret} required
          hint="At least 8 characters; the same as in the app’s settings." />
        <ApiUrlField value={apiUrl} onInput={setApiUrl} />
      </div>
      <Field label="Private key" class="wide" hint="Paste the whole .pem file. Stored encrypted; never shown again.">
        {(id, hint) => (
          <textarea id={id} rows={6} required spellcheck={false} autocomplete="off" class="mono" value={privateKey} aria-describedby={hint}
            placeholder="-----BEGIN RSA PRIVATE KEY-----" onInput={(e) => setPrivateKey(e.currentTarget.value)} />
        )}
      </Field>
      <Submit connect={connect} label="Connect app" />
    </form>
  );
}

function TokenForm() {
  const [token, setToken] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [apiUrl, setApiUrl] = useState('');
  const connect = useConnect(() => tokenConnectionBody({ token, webhookSecret, apiUrl }), 'Checking the token with GitHub…');
  return (
    <form onSubmit={connect.onSubmit}>
      <p class="hint">A fine-grained token with read and write access to contents, pull requests and issues of the repositories dursor should use.</p>
      <div class="form-grid">
        <SecretField label="Token" value={token} onInput={setToken} required hint="Stored encrypted; never shown again." />
        <SecretField label="Webhook secret" value={webhookSecret} onInput={setWebhookSecret}
          hint={<>Optional. For @dursor comments and check results: a repository webhook to <code>{location.origin}/v1/github/webhook</code> with this secret.</>} />
        <ApiUrlField value={apiUrl} onInput={setApiUrl} />
      </div>
      <Submit connect={connect} label="Connect token" />
    </form>
  );
}
