/**
 * The numbers of an attempt (issue 3 §5): tokens in/out, cost, wall time and time to first token.
 * While the run streams, tokens come from its live `usage` events; once it ended, every figure
 * comes from the run row the gateway and TaskRoom wrote (the provider's own usage fields).
 */
import type { Run } from '../../../protocol/src/index.ts';
import { formatDuration, formatTokens, formatUsd } from '../lib/format.ts';
import type { RunView } from '../state/task-model.ts';

export function RunSummary(props: { run: Run; view: RunView; finished: boolean }) {
  const { run, view, finished } = props;
  const tokens = finished && (run.usage.inputTokens > 0 || run.usage.outputTokens > 0) ? run.usage : view.usage;
  const parts: string[] = [];
  if (tokens.inputTokens > 0 || tokens.outputTokens > 0) parts.push(`${formatTokens(tokens.inputTokens)} in · ${formatTokens(tokens.outputTokens)} out`);
  if (finished && run.usage.costUsd > 0) parts.push(formatUsd(run.usage.costUsd));
  if (finished && run.budgetUsd !== null) parts.push(`budget ${formatUsd(run.budgetUsd)}`);
  if (finished && run.timings.wallMs !== null) parts.push(`wall ${formatDuration(run.timings.wallMs)}`);
  if (finished && run.timings.ttftMs !== null) parts.push(`first token ${formatDuration(run.timings.ttftMs)}`);
  if (parts.length === 0) return null;
  return <p class="run-usage" data-testid="run-summary">{parts.join(' · ')}</p>;
}
