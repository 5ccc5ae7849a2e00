/**
 * What an attempt is called on screen (pure, unit-tested). Attempt numbers restart with every
 * round (each follow-up or `@dursor` comment starts one) and a retry takes the next number of
 * its round, so once a task has several rounds the label names the round too, and a retry says
 * what it retries: "Round 2 · Attempt 3 · Claude · retry of attempt 1". Rounds are numbered by
 * their first run, oldest first. Labels are unique within the task — the Compare and "Continue
 * from" pickers rely on it — even for runs stored before retries were numbered this way, which
 * may share a number (the later one gets " (2)").
 */
import type { Run } from '../../../protocol/src/index.ts';

export type LabelledRun = Pick<Run, 'id' | 'attempt' | 'messageId' | 'createdAt' | 'retryOfRunId'>;

export function roundNumbers(runs: readonly Pick<Run, 'messageId' | 'createdAt'>[]): Map<string, number> {
  const rounds = new Map<string, number>();
  for (const r of [...runs].sort((a, b) => a.createdAt - b.createdAt)) {
    if (!rounds.has(r.messageId)) rounds.set(r.messageId, rounds.size + 1);
  }
  return rounds;
}

/**
 * Run id → label, for every run of the task; `model` names the run's model profile. `rounds`
 * (message id → round number) defaults to numbering by first run; the task page passes its own.
 */
export function attemptLabels<R extends LabelledRun>(runs: readonly R[], model: (run: R) => string, rounds = roundNumbers(runs)): Map<string, string> {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const labels = new Map<string, string>();
  const used = new Map<string, number>();
  for (const r of [...runs].sort((a, b) => a.createdAt - b.createdAt || a.attempt - b.attempt)) {
    const round = rounds.size > 1 ? rounds.get(r.messageId) : undefined;
    const retried = r.retryOfRunId ? byId.get(r.retryOfRunId) : undefined;
    const base = `${round ? `Round ${round} · ` : ''}Attempt ${r.attempt} · ${model(r)}${retried ? ` · retry of attempt ${retried.attempt}` : ''}`;
    const seen = (used.get(base) ?? 0) + 1;
    used.set(base, seen);
    labels.set(r.id, seen === 1 ? base : `${base} (${seen})`);
  }
  return labels;
}
