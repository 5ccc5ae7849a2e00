/**
 * A task page is a conversation of rounds (pure, unit-tested): each user message and, under it,
 * the attempts that answer it (retries included, since they answer the same message). Rounds come
 * in message order; a message with no attempts shows only while it is the latest (its attempts
 * may still be starting). Finished rounds other than the latest start collapsed to a one-line
 * summary, which keeps a long task short (on a phone, a 3-round task was ~6,000 px).
 */
import type { Message, Run } from '../../../protocol/src/index.ts';
import { isTerminal } from '../../../protocol/src/index.ts';

export type RoundRun = Pick<Run, 'id' | 'messageId' | 'status'>;
export type Round<R extends RoundRun> = {
  /** The message id (runs answer it). */
  key: string;
  number: number;
  /** Null only for runs whose message the page does not have. */
  message: Pick<Message, 'id' | 'content'> | null;
  runs: R[];
};

export function groupRounds<R extends RoundRun>(messages: readonly Pick<Message, 'id' | 'role' | 'content'>[], runs: readonly R[]): Round<R>[] {
  const byMessage = new Map<string, R[]>();
  for (const r of runs) byMessage.set(r.messageId, [...(byMessage.get(r.messageId) ?? []), r]);
  const users = messages.filter((m) => m.role === 'user');
  const rounds: Round<R>[] = [];
  users.forEach((m, i) => {
    const answers = byMessage.get(m.id) ?? [];
    byMessage.delete(m.id);
    if (answers.length > 0 || i === users.length - 1) rounds.push({ key: m.id, number: 0, message: m, runs: answers });
  });
  for (const [key, rest] of byMessage) rounds.push({ key, number: 0, message: null, runs: rest });
  return rounds.map((r, i) => ({ ...r, number: i + 1 }));
}

/** Message id → round number, for attempt labels. */
export const roundNumbersOf = (rounds: readonly Round<RoundRun>[]): Map<string, number> => new Map(rounds.map((r) => [r.key, r.number]));

export function isRoundFinished(round: Round<RoundRun>): boolean {
  return round.runs.length > 0 && round.runs.every((r) => isTerminal(r.status));
}

/** Open unless it finished and a later round exists; what the user chose wins. */
export function isRoundOpen(round: Round<RoundRun>, latest: boolean, chosen: boolean | undefined): boolean {
  return chosen ?? (latest || !isRoundFinished(round));
}

const ORDER: Run['status'][] = ['running', 'preparing', 'assigned', 'finishing', 'queued', 'lost', 'succeeded', 'failed', 'cancelled'];

/** "3 attempts: 2 succeeded, 1 failed · has the winner". */
export function roundSummary(round: Round<RoundRun>, winnerRunId: string | null): string {
  const n = round.runs.length;
  if (n === 0) return 'no attempts yet';
  const counts = ORDER.map((s) => [s, round.runs.filter((r) => r.status === s).length] as const).filter(([, c]) => c > 0);
  const winner = round.runs.some((r) => r.id === winnerRunId) ? ' · has the winner' : '';
  return `${n} ${n === 1 ? 'attempt' : 'attempts'}: ${counts.map(([s, c]) => `${c} ${s}`).join(', ')}${winner}`;
}
