/**
 * Pieces the GitHub connect forms share: PUT the connection and keep the shared Resource in step,
 * the submit row (progress, error), a secret input that browsers do not autofill, the API URL field.
 */
import type { ComponentChildren } from 'preact';
import type { PutGitHubConnectionRequest } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import type { Built } from '../../lib/github-connect.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { githubConnection } from '../../state/lists.ts';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';

/** PUT the connection (the Worker checks it against GitHub first) and show the result. */
export function useConnect(build: () => Built<PutGitHubConnectionRequest>, progress: string) {
  const s = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const built = build();
    if (!built.ok) return s.setError(built.message);
    void s.submit(async () => {
      const { connection } = await api.putGitHubConnection(built.body);
      githubConnection.set({ connection });
    }, progress);
  };
  return { ...s, onSubmit };
}

export function Submit(props: { connect: ReturnType<typeof useConnect>; label: string }) {
  const { pending, error, done } = props.connect;
  return (
    <>
      <ErrorText message={error} testId="github-error" />
      <div class="form-actions">
        <button type="submit" disabled={pending} aria-busy={pending}>{pending ? 'Connecting…' : props.label}</button>
        <StatusText message={done} />
      </div>
    </>
  );
}

export function SecretField(props: { label: string; value: string; onInput: (v: string) => void; required?: boolean; hint: ComponentChildren }) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id, hint) => (
        <input id={id} type="password" autocomplete="new-password" spellcheck={false} required={props.required}
          value={props.value} aria-describedby={hint} onInput={(e) => props.onInput(e.currentTarget.value)} />
      )}
    </Field>
  );
}

export function ApiUrlField(props: { value: string; onInput: (v: string) => void }) {
  return (
    <Field label="API URL" hint="Optional. Leave empty for github.com; GitHub Enterprise Server: https://<host>/api/v3.">
      {(id, hint) => (
        <input id={id} type="url" inputMode="url" placeholder="https://api.github.com" value={props.value}
          aria-describedby={hint} onInput={(e) => props.onInput(e.currentTarget.value)} />
      )}
    </Field>
  );
}
