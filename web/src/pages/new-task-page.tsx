/**
 * New task: repository, base branch (a picker for GitHub repos), an optional GitHub issue to
 * start from, instruction and the attempts (agent × model × count; agents no connected runner
 * offers are marked). Submitting creates the task, then its runs, each POST with an idempotency
 * key that survives a retry, and opens the task page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../lib/api.ts';
import { api } from '../lib/endpoints.ts';
import { buildAttempts, nextSubmission, parseBudget, parseIssue, profilesFor } from '../lib/new-task.ts';
import type { AttemptRow, Submission } from '../lib/new-task.ts';
import { taskPath, useNavigate } from '../lib/router.ts';
import { useRunners } from '../lib/use-runners.ts';
import { modelProfiles, repos, tasks } from '../state/lists.ts';
import { AttemptsEditor } from '../components/attempts-editor.tsx';
import { Link } from '../components/link.tsx';
import { Empty, ErrorText, Field, LoadError, Loading, StatusText } from '../components/ui.tsx';
import { BranchField } from './new-task/branch-field.tsx';
import { IssueField } from './new-task/issue-field.tsx';

export function NewTaskPage() {
  useEffect(() => {
    void repos.load();
    void modelProfiles.load();
  }, []);
  // Which agents the connected runners offer, for the attempts editor (live: a runner may connect meanwhile).
  useRunners();
  const r = repos.state.value;
  const p = modelProfiles.state.value;
  return (
    <div class="page new-task-page">
      <h1>New task</h1>
      {r.status === 'error' && <LoadError message={r.error ?? ''} onRetry={() => void repos.load()} />}
      {p.status === 'error' && <LoadError message={p.error ?? ''} onRetry={() => void modelProfiles.load()} />}
      {(r.data === null || p.data === null) && r.status !== 'error' && p.status !== 'error' && <Loading what="Loading repositories and models…" />}
      {r.data !== null && r.data.length === 0 && (
        <Empty testId="no-repos">No repositories yet — <Link href="/settings/repositories">add one</Link> in Settings.</Empty>
      )}
      {p.data !== null && p.data.length === 0 && (
        <Empty testId="no-profiles">No model profiles yet — <Link href="/settings/model-profiles">add one</Link> in Settings.</Empty>
      )}
      {r.data !== null && r.data.length > 0 && p.data !== null && p.data.length > 0 && <NewTaskForm />}
    </div>
  );
}

let rowKey = 0;

function NewTaskForm() {
  const navigate = useNavigate();
  const repoList = repos.state.value.data ?? [];
  const profiles = modelProfiles.state.value.data ?? [];
  const [repoId, setRepoId] = useState(repoList[0]?.id ?? '');
  const repo = repoList.find((x) => x.id === repoId) ?? null;
  const [baseRef, setBaseRef] = useState(repo?.defaultBranch ?? 'main');
  const [instruction, setInstruction] = useState('');
  const [issueText, setIssueText] = useState('');
  const issue = repo?.github ? parseIssue(issueText) : null;
  const [rows, setRows] = useState<AttemptRow[]>(() => [{ key: ++rowKey, executor: 'patch-agent', modelProfileId: profilesFor('patch-agent', profiles)[0]?.id ?? '', count: 1 }]);
  const [budget, setBudget] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const submission = useRef<Submission | null>(null);
  const busy = useRef(false);
  const form = useRef<HTMLFormElement>(null);

  const onRepoChange = (id: string) => {
    const prev = repoList.find((x) => x.id === repoId);
    const next = repoList.find((x) => x.id === id);
    // Follow the repo's default branch unless the user typed another branch on purpose.
    if (next && (!baseRef.trim() || baseRef === prev?.defaultBranch)) setBaseRef(next.defaultBranch);
    setIssueText(''); // issues belong to their repository
    setRepoId(id);
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (busy.current) return;
    const built = buildAttempts(rows, profiles);
    if (!built.ok) return setError(built.message);
    if (!repo) return setError('Choose a repository.');
    if (issue === 'invalid') return setError('Issue: give an issue number (like 12) or the issue’s URL, or leave it empty.');
    if (!instruction.trim() && issue === null) {
      return setError(repo.github ? 'Write an instruction for the agents, or start from an issue.' : 'Write an instruction for the agents.');
    }
    const budgetUsd = parseBudget(budget);
    if (budgetUsd === 'invalid') return setError('Budget must be an amount in US dollars, like 2.50, or empty for none.');
    const taskBody = {
      repoId: repo.id,
      baseRef: baseRef.trim() || repo.defaultBranch,
      ...(instruction.trim() ? { instruction: instruction.trim() } : {}),
      ...(issue === null ? {} : { issue }),
      ...(budgetUsd === null ? {} : { budgetUsd }),
    };
    const sub = nextSubmission(submission.current, JSON.stringify(taskBody), JSON.stringify(built.attempts));
    submission.current = sub;
    busy.current = true;
    setPending(true);
    setError(null);
    try {
      if (sub.taskId === null) {
        setProgress('Creating the task…');
        const { task } = await api.createTask(taskBody, sub.taskKey);
        sub.taskId = task.id;
      }
      setProgress(`Starting ${built.total} ${built.total === 1 ? 'attempt' : 'attempts'}…`);
      await api.createRuns(sub.taskId, { attempts: built.attempts }, sub.runsKey);
      submission.current = null;
      void tasks.load();
      navigate(taskPath(sub.taskId));
    } catch (err) {
      setProgress(null);
      setError(sub.taskId
        ? `The task was created but its attempts did not start: ${errorMessage(err)} Submit again to retry.`
        : errorMessage(err));
    } finally {
      busy.current = false;
      setPending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.current?.requestSubmit();
    }
  };

  return (
    <form class="card stack-form" ref={form} onSubmit={onSubmit} aria-busy={pending} data-testid="new-task-form">
      <div class="form-grid">
        <Field label="Repository">
          {(id) => (
            <select id={id} value={repoId} onChange={(e) => onRepoChange(e.currentTarget.value)}>
              {repoList.map((x) => <option key={x.id} value={x.id}>{x.displayName}</option>)}
            </select>
          )}
        </Field>
        <BranchField repo={repo} value={baseRef} onChange={setBaseRef} />
        {repo?.github && <IssueField key={repo.id} repo={repo} value={issueText} onChange={setIssueText} />}
      </div>
      <Field label="Instruction" class="wide" hint={issue !== null && issue !== 'invalid'
        ? 'Optional with an issue: leave it empty to use the issue’s title and body. Ctrl+Enter (⌘+Enter on a Mac) starts the task.'
        : 'What should the agents change? Ctrl+Enter (⌘+Enter on a Mac) starts the task.'}>
        {(id, hint) => (
          <textarea id={id} required={issue === null || issue === 'invalid'} rows={8} value={instruction} aria-describedby={hint}
            onInput={(e) => setInstruction(e.currentTarget.value)} onKeyDown={onKeyDown} />
        )}
      </Field>
      <AttemptsEditor rows={rows} profiles={profiles} onChange={setRows} newKey={() => ++rowKey} />
      <Field label="Budget (USD)" hint="Optional spend cap for the whole task; the LLM gateway refuses calls past it.">
        {(id, hint) => <input id={id} inputMode="decimal" placeholder="none" value={budget} aria-describedby={hint} onInput={(e) => setBudget(e.currentTarget.value)} />}
      </Field>
      <ErrorText message={error} testId="new-task-error" />
      <div class="form-actions">
        <button type="submit" disabled={pending} aria-busy={pending}>Start task</button>
        <StatusText message={progress} />
      </div>
    </form>
  );
}
