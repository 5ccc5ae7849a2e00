/**
 * What an attempt is called on screen. Attempt numbers restart with every round (each follow-up
 * or `@dursor` comment starts one), so once a task has several rounds the label names the round
 * too: "Round 2 · Attempt 1 · Claude". Rounds are numbered by their first run, oldest first.
 */
import type { Run } from '../../../protocol/src/index.ts';

export function roundNumbers(runs: readonly Pick<Run, 'messageId' | 'createdAt'>[]): Map<string, number> {
  const rounds = new Map<string, number>();
  for (const r of [...runs].sort((a, b) => a.createdAt - b.createdAt)) {
    if (!rounds.has(r.messageId)) rounds.set(r.messageId, rounds.size + 1);
  }
  return rounds;
}

export function attemptLabel(run: Pick<Run, 'attempt' | 'messageId'>, rounds: Map<string, number>, model: string): string {
  const round = rounds.size > 1 ? rounds.get(run.messageId) : undefined;
  return `${round ? `Round ${round} · ` : ''}Attempt ${run.attempt} · ${model}`;
}
