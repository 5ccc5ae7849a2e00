/**
 * Settings → Model profiles: add a profile (provider, model, display name, base URL, API key)
 * and list them. The API never returns a key; the list shows only its last characters.
 */
import { useEffect, useState } from 'preact/hooks';
import { PROVIDERS } from '../../../../protocol/src/index.ts';
import type { ModelProfile, ModelProfileTest, Provider, WireApi } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { baseUrlHint } from '../../lib/url-hints.ts';
import { modelProfiles, urlPolicy } from '../../state/lists.ts';
import { ResourceList } from '../../components/resource-list.tsx';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';

export function ModelProfilesSection() {
  useEffect(() => {
    void modelProfiles.ensure();
    void urlPolicy.ensure();
  }, []);
  return (
    <section class="card settings-section" data-testid="model-profiles">
      <h2>Model profiles</h2>
      <p class="hint">A model profile is a provider, a model and your API key. Each attempt of a task runs with one profile.</p>
      <ResourceList resource={modelProfiles} loading="Loading model profiles…" emptyTestId="profiles-empty" listTestId="model-profile-list"
        empty="No model profiles yet — add one below." row={(p) => <ProfileRow key={p.id} profile={p} />} />
      <AddProfileForm />
    </section>
  );
}

function ProfileRow(props: { profile: ModelProfile }) {
  const p = props.profile;
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<{ busy: boolean; result: ModelProfileTest | null }>({ busy: false, result: null });
  const onTest = async () => {
    setTest({ busy: true, result: null });
    setError(null);
    try {
      setTest({ busy: false, result: (await api.testModelProfile(p.id)).test });
    } catch (err) {
      setTest({ busy: false, result: null });
      setError(errorMessage(err));
    }
  };
  const onDelete = async () => {
    if (!confirm(`Delete the model profile “${p.displayName}”?`)) return;
    try {
      await api.deleteModelProfile(p.id);
      modelProfiles.set((modelProfiles.data ?? []).filter((x) => x.id !== p.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <li data-testid="model-profile" data-profile-id={p.id}>
      <div class="item-main">
        <strong>{p.displayName}</strong>
        <span class="item-detail">{p.provider} · <code>{p.model}</code>{p.wireApi === 'responses' ? ' · Responses API' : null}{p.baseUrl ? <> · {p.baseUrl}</> : null}</span>
        <span class="item-detail">Key ending in <code>…{p.keyHint}</code></span>
      </div>
      <button type="button" class="secondary small" onClick={onTest} disabled={test.busy}>
        {test.busy ? 'Testing…' : 'Test connection'}<span class="visually-hidden"> {p.displayName}</span>
      </button>
      <button type="button" class="secondary small" onClick={onDelete}>
        Delete<span class="visually-hidden"> {p.displayName}</span>
      </button>
      {test.result ? (
        <p class={test.result.ok ? 'hint' : 'error-text'} role="status" data-testid="profile-test" data-ok={String(test.result.ok)}>
          {test.result.ok ? 'Connected' : 'Not working'}: {test.result.message}{test.result.status !== null ? ` (${test.result.latencyMs} ms)` : ''}
        </p>
      ) : null}
      <ErrorText message={error} />
    </li>
  );
}

function AddProfileForm() {
  const [provider, setProvider] = useState<Provider>('openai');
  const [model, setModel] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [wireApi, setWireApi] = useState<WireApi>('chat');
  const speaksOpenAI = provider === 'openai' || provider === 'openai-compatible';
  const { pending, error, done, submit } = useSubmit();

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit(async () => {
      const { modelProfile } = await api.createModelProfile({
        provider,
        model: model.trim(),
        displayName: displayName.trim() || undefined,
        baseUrl: baseUrl.trim() || undefined,
        apiKey,
        ...(speaksOpenAI ? { wireApi } : {}),
      });
      modelProfiles.set([...(modelProfiles.data ?? []).filter((p) => p.id !== modelProfile.id), modelProfile]);
      setModel('');
      setDisplayName('');
      setBaseUrl('');
      setApiKey('');
      return `Added ${modelProfile.displayName}.`;
    }, 'Adding the model profile…');
  };

  return (
    <form class="stack-form" onSubmit={onSubmit}>
      <h3>Add a model profile</h3>
      <div class="form-grid">
        <Field label="Provider">
          {(id) => (
            <select id={id} value={provider} onChange={(e) => setProvider(e.currentTarget.value as Provider)}>
              {PROVIDERS.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          )}
        </Field>
        <Field label="Model" hint="The provider’s model id, e.g. gpt-5-mini.">
          {(id, hint) => <input id={id} required value={model} aria-describedby={hint} onInput={(e) => setModel(e.currentTarget.value)} />}
        </Field>
        <Field label="Display name" hint="Optional. Shown on attempts; defaults to the model id.">
          {(id, hint) => <input id={id} value={displayName} aria-describedby={hint} onInput={(e) => setDisplayName(e.currentTarget.value)} />}
        </Field>
        <Field label="Base URL" hint={baseUrlHint(provider, urlPolicy.state.value.data)}>
          {(id, hint) => (
            <input id={id} type="url" inputMode="url" value={baseUrl} required={provider === 'openai-compatible'}
              aria-describedby={hint} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
          )}
        </Field>
        {speaksOpenAI && (
          <Field label="Wire API" hint="Which OpenAI API the patch agent speaks to this model. Codex always uses Responses.">
            {(id, hint) => (
              <select id={id} value={wireApi} aria-describedby={hint} onChange={(e) => setWireApi(e.currentTarget.value as WireApi)}>
                <option value="chat">Chat Completions</option>
                <option value="responses">Responses</option>
              </select>
            )}
          </Field>
        )}
        <Field label="API key" hint="Stored encrypted; never shown again.">
          {(id, hint) => (
            <input id={id} type="password" autocomplete="new-password" spellcheck={false} required value={apiKey}
              aria-describedby={hint} onInput={(e) => setApiKey(e.currentTarget.value)} />
          )}
        </Field>
      </div>
      <ErrorText message={error} testId="model-profile-error" />
      <div class="form-actions">
        <button type="submit" disabled={pending} aria-busy={pending}>Add model profile</button>
        <StatusText message={done} />
      </div>
    </form>
  );
}
