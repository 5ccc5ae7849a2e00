/**
 * A repository's sandbox settings (issue 10), under its row in Settings → Repositories: which hosts
 * its attempts may reach besides dursor's gateway (a package registry, say), and caps over the
 * runners' defaults. Closed, it says the settings in one line; open, it edits them (lib/repo-sandbox.ts).
 */
import { useState } from 'preact/hooks';
import type { Repo } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { fromForm, LIMIT_FIELDS, summary, toForm, type SandboxForm } from '../../lib/repo-sandbox.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { repos } from '../../state/lists.ts';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';

export function RepoSandboxForm(props: { repo: Repo }) {
  const r = props.repo;
  const [form, setForm] = useState<SandboxForm>(() => toForm(r.sandbox));
  const { pending, error, done, submit } = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit(async () => {
      const parsed = fromForm(form);
      if (!parsed.ok) throw new Error(parsed.message);
      const { repo } = await api.updateRepo(r.id, { sandbox: parsed.sandbox });
      repos.set((repos.data ?? []).map((x) => (x.id === repo.id ? repo : x)));
      return 'Saved. New attempts use these settings.';
    }, 'Saving…');
  };
  return (
    <details class="repo-sandbox" data-testid="repo-sandbox">
      <summary>Sandbox: <span data-testid="repo-sandbox-summary">{summary(r.sandbox)}</span></summary>
      <form class="stack-form" onSubmit={onSubmit}>
        <p class="hint">
          Each attempt runs sealed: it writes only its workspace and reaches only dursor's gateway. Hosts listed here
          (one per line: <code>registry.npmjs.org</code>, <code>host:port</code>, <code>*.example.com</code>) are
          reachable too. Blank caps use each runner's defaults.
        </p>
        <Field label={`Allowed hosts for ${r.displayName}`}>
          {(id) => (
            <textarea id={id} rows={3} value={form.hosts} spellcheck={false}
              onInput={(e) => setForm({ ...form, hosts: e.currentTarget.value })} />
          )}
        </Field>
        <div class="form-grid">
          {LIMIT_FIELDS.map(({ key, label, unit }) => (
            <Field key={key} label={`${label}${unit ? ` (${unit})` : ''}`}>
              {(id) => (
                <input id={id} inputMode="numeric" placeholder="default" value={form.limits[key] ?? ''}
                  onInput={(e) => setForm({ ...form, limits: { ...form.limits, [key]: e.currentTarget.value } })} />
              )}
            </Field>
          ))}
        </div>
        <ErrorText message={error} testId="repo-sandbox-error" />
        <div class="form-actions">
          <button type="submit" class="secondary" disabled={pending} aria-busy={pending}>Save sandbox settings</button>
          <StatusText message={done} />
        </div>
      </form>
    </details>
  );
}
