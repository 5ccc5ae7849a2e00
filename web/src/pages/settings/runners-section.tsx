/**
 * Settings → Runners: who is connected (online/offline, executors, slots, active runs), a warning
 * on a runner whose credential was used from two places (issue 11), and a
 * registration token shown once together with the exact command that starts a runner with it.
 * The list refreshes every 10 s while the page is open, since runner state is live.
 */
import { useState } from 'preact/hooks';
import type { RegistrationToken, Runner } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { useRunners } from '../../lib/use-runners.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { formatTime, runnerCommand } from '../../lib/format.ts';
import { runners } from '../../state/lists.ts';
import { ResourceList } from '../../components/resource-list.tsx';
import { ErrorText, StatusText } from '../../components/ui.tsx';

export function RunnersSection() {
  useRunners();
  return (
    <section class="card settings-section" data-testid="runners">
      <h2>Runners</h2>
      <p class="hint">Runners are machines you run that execute attempts. They connect out to dursor, so they work behind NAT.</p>
      <ResourceList resource={runners} loading="Loading runners…" emptyTestId="runners-empty" listTestId="runner-list"
        empty="No runners yet — create a registration token below and start a runner with the command it shows."
        row={(r) => <RunnerRow key={r.id} runner={r} />} />
      <RegistrationTokenPanel />
    </section>
  );
}

function RunnerRow(props: { runner: Runner }) {
  const r = props.runner;
  const [error, setError] = useState<string | null>(null);
  const onRemove = async () => {
    if (!confirm(`Remove the runner “${r.name}”? Its credential stops working at once; register the machine again to use it.`)) return;
    try {
      await api.removeRunner(r.id);
      runners.set((runners.data ?? []).filter((x) => x.id !== r.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <li data-testid="runner" data-runner-id={r.id} data-online={String(r.online)}>
      <div class="item-main">
        <strong>{r.name}</strong>
        <span class={`badge ${r.online ? 'badge-online' : 'badge-offline'}`}>{r.online ? 'online' : 'offline'}</span>
        {r.sandbox === 'none' && (
          <span class="badge badge-failed" data-testid="runner-unsandboxed"
            title="Started with --no-sandbox: its agents run as the runner's own user, see its files and reach any host.">unsandboxed</span>
        )}
        {r.sandbox === 'srt' && <span class="badge badge-online" data-testid="runner-sandboxed">sandboxed</span>}
        <span class="item-detail">
          pool <code>{r.pool}</code> · executors {r.executors.length > 0 ? r.executors.join(', ') : 'none announced'}
          {' · '}slots {r.slots ?? '—'} · active runs {r.activeRuns.length}
        </span>
        <span class="item-detail">{r.lastSeenAt ? `Last seen ${formatTime(r.lastSeenAt)}` : 'Never connected'}</span>
        {r.credentialConflictAt !== null && (
          <p class="error-text" role="alert" data-testid="runner-credential-conflict">
            Credential used from two places ({formatTime(r.credentialConflictAt)}): another process connected with this
            runner's credential — a copy of its state file? The runner that was connected keeps its place and the copy is
            shut out; if you did not start that copy, check the machine, remove this runner and register it again.
          </p>
        )}
      </div>
      <button type="button" class="secondary small" onClick={onRemove}>
        Remove<span class="visually-hidden"> {r.name}</span>
      </button>
      <ErrorText message={error} />
    </li>
  );
}

function RegistrationTokenPanel() {
  const [token, setToken] = useState<RegistrationToken | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const { pending, error, submit } = useSubmit();

  const create = () => submit(async () => {
    setCopied(null);
    const { registrationToken } = await api.createRegistrationToken();
    setToken(registrationToken);
  });

  const command = token?.token ? runnerCommand(location.origin, token.token) : null;
  const copy = async () => {
    if (!command) return;
    try {
      await navigator.clipboard.writeText(command);
      setCopied('Command copied.');
    } catch {
      setCopied('Copy failed — select the command and copy it by hand.');
    }
  };

  return (
    <div class="stack-form">
      <h3>Connect a runner</h3>
      <div class="form-actions">
        <button type="button" onClick={create} disabled={pending} aria-busy={pending}>Create registration token</button>
      </div>
      <ErrorText message={error} testId="registration-token-error" />
      {token && !command && <p class="error-text" role="alert">The server did not return the token. Create a new one.</p>}
      {token && command && (
        <div class="token-box" data-testid="registration-token">
          <p>
            Run this on the runner machine, from a checkout of dursor. The token is shown only now and
            expires {formatTime(token.expiresAt)}.
          </p>
          <pre class="command" data-testid="runner-command" tabIndex={0}>{command}</pre>
          <div class="form-actions">
            <button type="button" class="secondary" onClick={copy}>Copy command</button>
            <StatusText message={copied} />
          </div>
        </div>
      )}
    </div>
  );
}
