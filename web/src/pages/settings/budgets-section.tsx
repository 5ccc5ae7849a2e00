/**
 * Settings → Budgets: default spend caps for new tasks and for each attempt (used when a task or
 * a round names none; the gateway refuses calls past them), and what the tasks have cost. The
 * form shows once the saved values are in, so what the user types is never replaced by them.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SpendSummary } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { budgetField } from '../../lib/budgets.ts';
import { formatUsd } from '../../lib/format.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { ErrorText, Field, Loading, StatusText } from '../../components/ui.tsx';

const toText = (usd: number | null) => (usd === null ? '' : String(usd));

export function BudgetsSection() {
  const [task, setTask] = useState('');
  const [run, setRun] = useState('');
  const [spend, setSpend] = useState<SpendSummary | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { pending, error, done, submit } = useSubmit();
  useEffect(() => {
    api.getBudgets().then((r) => {
      setTask(toText(r.budgets.defaultTaskBudgetUsd));
      setRun(toText(r.budgets.defaultRunBudgetUsd));
      setSpend(r.spend);
    }, (err) => setLoadError(errorMessage(err)));
  }, []);
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit(async () => {
      const body = { defaultTaskBudgetUsd: budgetField(task, 'Default task budget'), defaultRunBudgetUsd: budgetField(run, 'Default attempt budget') };
      await api.putBudgets(body);
      return 'Saved. New tasks and rounds without a budget of their own use these.';
    }, 'Saving…');
  };
  return (
    <section class="card settings-section" data-testid="budgets">
      <h2>Budgets</h2>
      <p class="hint">The LLM gateway stops an attempt whose calls pass its budget, or a task's, and says so on the attempt.</p>
      {loadError ? <ErrorText message={`Could not load the budgets: ${loadError}`} /> : null}
      {spend ? (
        <p data-testid="spend">Spent <strong>{formatUsd(spend.last30DaysUsd)}</strong> in the last 30 days, {formatUsd(spend.allTimeUsd)} in all over {spend.tasks} task{spend.tasks === 1 ? '' : 's'}.</p>
      ) : loadError ? null : <Loading what="Loading budgets…" />}
      {(spend || loadError) && <form class="stack-form" onSubmit={onSubmit}>
        <div class="form-grid">
          <Field label="Default task budget (USD)" hint="For tasks created without one. Empty: no cap.">
            {(id, hint) => <input id={id} inputMode="decimal" value={task} aria-describedby={hint} onInput={(e) => setTask(e.currentTarget.value)} />}
          </Field>
          <Field label="Default attempt budget (USD)" hint="For each attempt of a round started without one. Empty: no cap.">
            {(id, hint) => <input id={id} inputMode="decimal" value={run} aria-describedby={hint} onInput={(e) => setRun(e.currentTarget.value)} />}
          </Field>
        </div>
        <div class="form-actions">
          <button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Save budgets'}</button>
        </div>
        <ErrorText message={error} />
        <StatusText message={done} />
      </form>}
    </section>
  );
}
