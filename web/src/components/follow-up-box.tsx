/**
 * The follow-up box under the attempts: a message, the attempt it continues from (the winner by
 * default) and the attempts to run (the parent's agent and model × 1 by default, editable). Sends
 * POST /v1/tasks/:id/runs with `parentRunId`; a retry of the same round reuses its idempotency
 * key, and a double submit sends one request.
 */
import { useRef, useState } from 'preact/hooks';
import type { ModelProfile, Run, Task } from '../../../protocol/src/index.ts';
import { api } from '../lib/endpoints.ts';
import { defaultParentId, followUpRows, keyFor } from '../lib/follow-up.ts';
import type { KeyedSubmission } from '../lib/follow-up.ts';
import { buildAttempts } from '../lib/new-task.ts';
import type { AttemptRow } from '../lib/new-task.ts';
import { useSubmit } from '../lib/use-submit.ts';
import type { TaskStore } from '../state/task-store.ts';
import { AttemptsEditor } from './attempts-editor.tsx';
import { ErrorText, Field, StatusText } from './ui.tsx';

let rowKey = 1000;

export function FollowUpBox(props: { store: TaskStore; task: Task; runs: Run[]; profiles: ModelProfile[]; runLabel: (r: Run) => string }) {
  const { store, task, runs, profiles } = props;
  const [message, setMessage] = useState('');
  // undefined: follow the default (the winner, which may be chosen after this box rendered).
  const [picked, setPicked] = useState<string | null | undefined>(undefined);
  const parentId = picked === undefined ? defaultParentId(task, runs) : picked;
  const parent = runs.find((r) => r.id === parentId) ?? null;
  // null: the parent's defaults; an edit makes them the user's own.
  const [edited, setEdited] = useState<AttemptRow[] | null>(null);
  const rows = edited ?? followUpRows(parent, profiles, 0);
  const { pending, error, done, setError, submit } = useSubmit();
  const submission = useRef<KeyedSubmission | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const succeeded = runs.filter((r) => r.status === 'succeeded' || r.id === parentId);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    if (!message.trim()) return setError('Write what the agents should do next.');
    const built = buildAttempts(rows, profiles);
    if (!built.ok) return setError(built.message);
    const body = { message: message.trim(), attempts: built.attempts, ...(parentId ? { parentRunId: parentId } : {}) };
    const sub = keyFor(submission.current, JSON.stringify(body));
    submission.current = sub;
    const what = `${built.total} ${built.total === 1 ? 'attempt' : 'attempts'}`;
    void submit(async () => {
      const res = await api.createRuns(task.id, body, sub.key);
      submission.current = null;
      store.addRound(res.message, res.runs);
      setMessage('');
      return `Started ${what}.`;
    }, `Starting ${what}…`);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.current?.requestSubmit();
    }
  };

  return (
    <form class="card stack-form follow-up" ref={form} onSubmit={onSubmit} aria-busy={pending} data-testid="follow-up">
      <h2>Continue</h2>
      <Field label="Follow-up" hint="What should change next? Ctrl+Enter (⌘+Enter on a Mac) sends.">
        {(id, hint) => (
          <textarea id={id} rows={4} required value={message} aria-describedby={hint}
            onInput={(e) => setMessage(e.currentTarget.value)} onKeyDown={onKeyDown} />
        )}
      </Field>
      <Field label="Continue from" class="wide" hint={parent ? 'New attempts start from this attempt’s branch head.' : 'New attempts start again from the base branch.'}>
        {(id, hint) => (
          <select id={id} value={parentId ?? ''} aria-describedby={hint}
            onChange={(e) => { setPicked(e.currentTarget.value || null); setEdited(null); }}>
            {succeeded.map((r) => <option key={r.id} value={r.id}>{props.runLabel(r)}{r.id === task.winnerRunId ? ' — winner' : ''}</option>)}
            <option value="">Nothing — the base branch</option>
          </select>
        )}
      </Field>
      <AttemptsEditor rows={rows} profiles={profiles} onChange={setEdited} newKey={() => ++rowKey} />
      <ErrorText message={error} testId="follow-up-error" />
      <div class="form-actions">
        <button type="submit" disabled={pending} aria-busy={pending}>{pending ? 'Sending…' : 'Send follow-up'}</button>
        <StatusText message={done} />
      </div>
    </form>
  );
}
