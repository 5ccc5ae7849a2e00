/**
 * "Retry" on a failed or cancelled run card: one new attempt with the same agent, model profile,
 * parent and budget, answering the same message (POST /v1/tasks/:id/runs with its `messageId`). A
 * double click sends one request; a retry after an error reuses the idempotency key, so it still
 * makes one attempt. The new card appears at once; progress and errors show here.
 */
import { useRef } from 'preact/hooks';
import type { Run } from '../../../protocol/src/index.ts';
import { api } from '../lib/endpoints.ts';
import { keyFor } from '../lib/follow-up.ts';
import type { KeyedSubmission } from '../lib/follow-up.ts';
import { retryPlan } from '../lib/retry.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { modelProfiles } from '../state/lists.ts';
import type { TaskStore } from '../state/task-store.ts';
import { ErrorText, StatusText } from './ui.tsx';

export function RetryButton(props: { store: TaskStore; run: Run }) {
  const { store, run } = props;
  const profiles = modelProfiles.state.value.data;
  const plan = retryPlan(run, profiles ? profiles.map((p) => p.id) : null);
  const { pending, error, done, submit } = useSubmit();
  const submission = useRef<KeyedSubmission | null>(null);

  const onClick = () => {
    if (!plan.ok) return;
    const sub = keyFor(submission.current, JSON.stringify(plan.body));
    submission.current = sub;
    void submit(async () => {
      const res = await api.createRuns(store.taskId, plan.body, sub.key);
      submission.current = null;
      store.addRound(res.message, res.runs);
      return res.runs.length === 1 ? `Started attempt ${res.runs[0].attempt}.` : 'Started a new attempt.';
    }, 'Starting a new attempt…');
  };

  const hintId = `retry-hint-${run.id}`;
  return (
    <div class="retry" data-testid="retry">
      <button type="button" class="secondary small" onClick={onClick} disabled={pending || !plan.ok} aria-busy={pending}
        aria-describedby={plan.ok ? undefined : hintId}>
        {pending ? 'Retrying…' : 'Retry'}
      </button>
      {!plan.ok && <span class="hint" id={hintId}>{plan.reason}</span>}
      <StatusText message={done} />
      <ErrorText message={error} testId="retry-error" />
    </div>
  );
}
