import { describe, expect, it } from 'vitest';
import type { PullRequest } from '../../protocol/src/index.ts';
import { ApiError } from '../src/lib/api.ts';
import { checkBadge, checksSummary, OUTCOME_TEXT, prErrorText, prPanelState, shortSha } from '../src/lib/pr.ts';

const pr = (state: PullRequest['state']): PullRequest => ({
  id: 'pr1', taskId: 't1', runId: 'r1', number: 7, url: 'https://github.com/o/r/pull/7', title: 'Fix', branch: 'dursor/pr/t1',
  baseBranch: 'main', headSha: 'a'.repeat(40), state, checks: [], createdAt: 1, updatedAt: 1,
});

describe('PR panel state', () => {
  it('maps the PR (or its absence) to data-state', () => {
    expect(prPanelState(null)).toBe('none');
    expect(prPanelState(pr('open'))).toBe('open');
    expect(prPanelState(pr('merged'))).toBe('merged');
    expect(prPanelState(pr('closed'))).toBe('closed');
  });
});

describe('checks', () => {
  it('reads the conclusion once completed, the status before', () => {
    expect(checkBadge({ status: 'in_progress', conclusion: null })).toEqual({ label: 'in progress', tone: 'pending' });
    expect(checkBadge({ status: 'pending', conclusion: null })).toEqual({ label: 'pending', tone: 'pending' });
    expect(checkBadge({ status: 'completed', conclusion: 'success' })).toEqual({ label: 'success', tone: 'ok' });
    expect(checkBadge({ status: 'completed', conclusion: 'timed_out' })).toEqual({ label: 'timed out', tone: 'fail' });
    expect(checkBadge({ status: 'completed', conclusion: 'error' })).toMatchObject({ tone: 'fail' });
    expect(checkBadge({ status: 'completed', conclusion: 'skipped' })).toEqual({ label: 'skipped', tone: 'neutral' });
  });

  it('sums them up', () => {
    expect(checksSummary([])).toBe('No checks reported yet.');
    expect(checksSummary([
      { status: 'completed', conclusion: 'success' }, { status: 'completed', conclusion: 'success' },
      { status: 'completed', conclusion: 'failure' }, { status: 'queued', conclusion: null },
    ])).toBe('2 passed, 1 failed, 1 running.');
  });
});

describe('update and errors', () => {
  it('has a sentence for every outcome', () => {
    expect(Object.keys(OUTCOME_TEXT).sort()).toEqual(['fast-forward', 'merged', 'replaced', 'up-to-date']);
    expect(OUTCOME_TEXT['fast-forward']).toMatch(/^Fast-forward/);
    expect(OUTCOME_TEXT['up-to-date']).toMatch(/^Up to date/);
  });

  it('turns the 409s into what to do next, and passes other errors through', () => {
    expect(prErrorText(new ApiError(409, 'stale_head', 'head is b, not a'))).toBe('The PR branch moved since you loaded it — refresh and try again.');
    expect(prErrorText(new ApiError(409, 'merge_conflict', 'README.md conflicts.'))).toMatch(/^The winner does not merge cleanly onto the PR branch \(README\.md conflicts\)\. Replace the PR branch/);
    expect(prErrorText(new ApiError(409, 'conflict', 'Busy.'))).toBe('Busy.');
    expect(prErrorText(new ApiError(400, 'stale_head', 'Bad.'))).toBe('Bad.');
    expect(prErrorText(new Error('boom'))).toBe('boom');
  });

  it('shortens shas', () => {
    expect(shortSha('0123456789abcdef0123456789abcdef01234567')).toBe('0123456');
  });
});
