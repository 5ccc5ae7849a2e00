/**
 * Home: what to do next. Until everything a task needs exists (model profile, repository,
 * runner), a checklist says which step is missing and links to it.
 */
import { useEffect } from 'preact/hooks';
import { modelProfiles, repos, runners } from '../state/lists.ts';
import { Link } from '../components/link.tsx';
import { Loading } from '../components/ui.tsx';

export function HomePage() {
  useEffect(() => {
    void modelProfiles.ensure();
    void repos.ensure();
    void runners.load();
  }, []);
  const p = modelProfiles.state.value.data;
  const r = repos.state.value.data;
  const n = runners.state.value.data;
  if (p === null || r === null || n === null) {
    const failed = [modelProfiles, repos, runners].map((x) => x.state.value.error).find(Boolean);
    return <div class="page">{failed ? <p class="error-text" role="alert">{failed}</p> : <Loading what="Loading…" />}</div>;
  }
  const steps = [
    { done: p.length > 0, text: 'Add a model profile', href: '/settings/model-profiles' },
    { done: r.length > 0, text: 'Add a repository', href: '/settings/repositories' },
    { done: n.some((x) => x.online), text: 'Connect a runner', href: '/settings/runners' },
  ];
  const ready = steps.every((s) => s.done);
  return (
    <div class="page home-page">
      <h1>{ready ? 'Ready when you are' : 'Get started'}</h1>
      <ol class="checklist" data-testid="getting-started">
        {steps.map((s) => (
          <li key={s.text} class={s.done ? 'done' : ''}>
            <span aria-hidden="true">{s.done ? '✓' : '○'}</span>{' '}
            {s.done ? s.text : <Link href={s.href}>{s.text}</Link>}
            <span class="visually-hidden">{s.done ? ' (done)' : ' (to do)'}</span>
          </li>
        ))}
      </ol>
      <p>
        <Link href="/tasks/new" class="button">Create a task</Link>{' '}
        <span class="hint">Describe a change, pick models and attempts, and watch them work side by side.</span>
      </p>
    </div>
  );
}
