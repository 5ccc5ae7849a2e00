/**
 * Pull-request panel logic (pure, unit-tested): the panel's state, how a check reads, what an
 * "Update PR" outcome means, and readable text for the PR routes' conflict errors.
 */
import type { PrCheck, PullRequest, UpdatePullRequestResponse } from '../../../protocol/src/index.ts';
import { ApiError, errorMessage } from './api.ts';

export type PrPanelState = 'none' | PullRequest['state'];

export function prPanelState(pr: PullRequest | null): PrPanelState {
  return pr ? pr.state : 'none';
}

export type CheckTone = 'ok' | 'fail' | 'pending' | 'neutral';

/** A check's badge: its conclusion once completed, else its status ("queued", "in progress"). */
export function checkBadge(c: Pick<PrCheck, 'status' | 'conclusion'>): { label: string; tone: CheckTone } {
  const done = c.conclusion !== null && c.conclusion !== '';
  const label = (done ? c.conclusion! : c.status).replace(/_/g, ' ');
  if (!done) return { label, tone: 'pending' };
  if (c.conclusion === 'success') return { label, tone: 'ok' };
  if (['failure', 'error', 'timed_out', 'cancelled', 'action_required', 'startup_failure'].includes(c.conclusion!)) return { label, tone: 'fail' };
  return { label, tone: 'neutral' };
}

/** "3 passed, 1 failed, 2 running" — the checks at a glance. */
export function checksSummary(checks: Pick<PrCheck, 'status' | 'conclusion'>[]): string {
  if (checks.length === 0) return 'No checks reported yet.';
  const n = { ok: 0, fail: 0, pending: 0, neutral: 0 };
  for (const c of checks) n[checkBadge(c).tone]++;
  const parts = [n.ok && `${n.ok} passed`, n.fail && `${n.fail} failed`, n.pending && `${n.pending} running`, n.neutral && `${n.neutral} other`];
  return parts.filter(Boolean).join(', ') + '.';
}

export const OUTCOME_TEXT: Record<UpdatePullRequestResponse['outcome'], string> = {
  'fast-forward': 'Fast-forward: the PR branch moved forward to the winner’s commits.',
  merged: 'The PR branch had moved on GitHub, so the winner was merged onto its new head.',
  replaced: 'The PR branch was replaced with the winner’s commits.',
  'up-to-date': 'Up to date: the PR branch already has the winner’s commits.',
};

/** The PR routes' 409s say what happened in git terms; say what to do next. */
export function prErrorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 409) {
    if (err.code === 'stale_head') return 'The PR branch moved since you loaded it — refresh and try again.';
    if (err.code === 'merge_conflict') {
      return `The winner does not merge cleanly onto the PR branch (${err.message.replace(/\.$/, '')}). Replace the PR branch to use the winner as it is, or continue the conversation from the PR’s attempt.`;
    }
  }
  return errorMessage(err);
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
