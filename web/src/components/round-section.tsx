/**
 * One round of a task: its user message, then the attempts that answer it (retries included),
 * as a disclosure — the heading is a button with aria-expanded that shows or hides the attempts.
 * Collapsed, the round keeps its message (clamped to a few lines) and a one-line summary
 * (lib/task-rounds.ts), and its cards are not rendered, so they neither cost height nor take
 * part in `j`/`k`. Cards read their own run's live signal as before.
 */
import type { Run } from '../../../protocol/src/index.ts';
import { roundSummary } from '../lib/task-rounds.ts';
import type { Round } from '../lib/task-rounds.ts';
import type { TaskStore } from '../state/task-store.ts';
import { RunCard } from './run-card.tsx';
import { Empty } from './ui.tsx';

export function RoundSection(props: {
  store: TaskStore;
  round: Round<Run>;
  open: boolean;
  onToggle: () => void;
  runLabel: (r: Run) => string;
  winnerRunId: string | null;
}) {
  const { round, open } = props;
  const titleId = `round-title-${round.key}`;
  const bodyId = `round-body-${round.key}`;
  return (
    <section class={`round${open ? ' open' : ''}`} data-testid="round" data-round={round.number} data-message-id={round.key}
      data-open={String(open)} aria-labelledby={titleId}>
      <h2 class="round-head">
        <button type="button" class="round-toggle" aria-expanded={open} aria-controls={bodyId} onClick={props.onToggle}>
          <span class="round-chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
          <span id={titleId} class="round-title">Round {round.number}</span>
          <span class="round-summary" data-testid="round-summary">{roundSummary(round, props.winnerRunId)}</span>
        </button>
      </h2>
      {round.message && (
        <blockquote class={`instruction${open ? '' : ' clamped'}`} data-testid="round-message">{round.message.content}</blockquote>
      )}
      <div id={bodyId} class="round-body">
        {open && (round.runs.length === 0 ? <Empty>No attempts answer this message yet.</Empty> : (
          <div class="run-grid" data-testid="run-grid">
            {round.runs.map((run) => (
              <RunCard key={run.id} store={props.store} run={run} label={props.runLabel(run)} isWinner={run.id === props.winnerRunId} />
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}
