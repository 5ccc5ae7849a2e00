/**
 * Pull request state that is not plain data: the head sha follows the head branch live while the
 * PR is open (as on GitHub, a push to the branch is a push to the PR) and freezes when it closes;
 * closing, reopening and merging (which also closes the issues the body says it closes, when the
 * base is the default branch).
 */
import { readRefSync } from './git-ops.ts';
import type { IssueRec, PullRec, RepoRec } from './types.ts';

export type PullIssue = IssueRec & { pull: PullRec };

export function headSha(repo: RepoRec, issue: PullIssue): string {
  if (issue.state === 'open') {
    const live = readRefSync(repo.bare, `refs/heads/${issue.pull.headRef}`);
    if (live) issue.pull.headSha = live;
  }
  return issue.pull.headSha;
}

export function baseSha(repo: RepoRec, issue: PullIssue): string {
  return readRefSync(repo.bare, `refs/heads/${issue.pull.baseRef}`) ?? '';
}

export function pullsOf(repo: RepoRec): PullIssue[] {
  return [...repo.issues.values()].filter((i): i is PullIssue => i.pull !== null);
}

/** Issue numbers a PR body closes on merge: "closes #3", "Fixes #4", "resolved #5". */
export function closingRefs(body: string | null): number[] {
  const out: number[] = [];
  for (const m of (body ?? '').matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi)) out.push(Number(m[1]));
  return out;
}

export function setPullState(repo: RepoRec, issue: PullIssue, state: 'open' | 'closed' | 'merged'): void {
  const now = Date.now();
  headSha(repo, issue); // freeze at the branch's current head before closing
  issue.updatedAt = now;
  if (state === 'open') {
    issue.state = 'open';
    issue.closedAt = null;
    issue.pull.merged = false;
    issue.pull.mergedAt = null;
    return;
  }
  issue.state = 'closed';
  issue.closedAt = now;
  if (state !== 'merged') return;
  issue.pull.merged = true;
  issue.pull.mergedAt = now;
  issue.pull.mergeCommitSha = issue.pull.headSha;
  if (issue.pull.baseRef !== repo.defaultBranch) return;
  for (const n of closingRefs(issue.body)) {
    const target = repo.issues.get(n);
    if (target && !target.pull && target.state === 'open') Object.assign(target, { state: 'closed', closedAt: now, updatedAt: now });
  }
}
