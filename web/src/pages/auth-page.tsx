/**
 * First-run setup ("Create owner account", only while no user exists) and "Sign in". Which one
 * shows is decided by GET /v1/auth/state (see state/session.ts).
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/endpoints.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { signedIn } from '../state/session.ts';
import { ErrorText, Field } from '../components/ui.tsx';

export function AuthPage(props: { mode: 'setup' | 'signin'; notice?: string }) {
  const setup = props.mode === 'setup';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { pending, error, submit } = useSubmit();

  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit(async () => {
      const { user } = setup ? await api.setup({ email, password }) : await api.login({ email, password });
      signedIn(user);
    });
  };

  return (
    <main class="auth" id="main">
      <form class="card auth-card" onSubmit={onSubmit} aria-labelledby="auth-title">
        <p class="brand">dursor</p>
        <h1 id="auth-title">{setup ? 'Create the owner account' : 'Sign in'}</h1>
        {setup ? (
          <p class="hint">This dursor has no users yet. The first account owns it: it manages runners and settings.</p>
        ) : props.notice ? <p class="notice" role="status">{props.notice}</p> : null}
        <Field label="Email">
          {(id) => <input id={id} type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <Field label="Password" hint={setup ? 'At least 8 characters.' : undefined}>
          {(id, hint) => (
            <input id={id} type="password" autocomplete={setup ? 'new-password' : 'current-password'} required
              minLength={setup ? 8 : undefined} aria-describedby={hint} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <ErrorText message={error} testId="auth-error" />
        <button type="submit" disabled={pending} aria-busy={pending}>{setup ? 'Create owner account' : 'Sign in'}</button>
      </form>
    </main>
  );
}
