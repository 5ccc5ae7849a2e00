/**
 * On a run card: the "Winner" badge for the task's chosen attempt, or "Choose as winner" on a
 * succeeded one. The winner is what follow-ups continue from and what the PR carries.
 */
import { useSubmit } from '../lib/use-submit.ts';
import type { TaskStore } from '../state/task-store.ts';
import { ErrorText } from './ui.tsx';

export function WinnerControl(props: { store: TaskStore; runId: string; isWinner: boolean; eligible: boolean }) {
  const { pending, error, submit } = useSubmit();
  if (props.isWinner) return <span class="badge badge-winner" data-testid="winner-badge">Winner</span>;
  if (!props.eligible) return null;
  return (
    <>
      <button type="button" class="secondary small" disabled={pending} aria-busy={pending}
        onClick={() => void submit(() => props.store.chooseWinner(props.runId))}>
        {pending ? 'Choosing…' : 'Choose as winner'}
      </button>
      <ErrorText message={error} testId="winner-error" />
    </>
  );
}
