/**
 * GitHub REST JSON for issues, pull requests, issue comments, check runs and commit statuses.
 * Lists of pulls omit `merged` and the stats (as GitHub's do); the single-PR view has them.
 */
import { baseSha, headSha, type PullIssue } from './pull-state.ts';
import { iso, nodeId, repoJson, userJson } from './shapes-repo.ts';
import type { CheckRunRec, CommentRec, IssueRec, RepoRec, StatusRec, Store } from './types.ts';

const ts = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function issueJson(store: Store, r: RepoRec, i: IssueRec) {
  const api = `${store.api}/repos/${r.fullName}`;
  const web = `${store.web}/${r.fullName}`;
  return {
    id: i.id, node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id), url: `${api}/issues/${i.number}`, repository_url: api,
    comments_url: `${api}/issues/${i.number}/comments`, html_url: `${web}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number, state: i.state, state_reason: i.state === 'closed' && !i.pull ? 'completed' : null, title: i.title, body: i.body,
    user: userJson(store, i.user), labels: [], assignee: null, assignees: [], milestone: null, locked: false,
    comments: i.comments.length, created_at: iso(i.createdAt), updated_at: iso(i.updatedAt), closed_at: ts(i.closedAt),
    author_association: 'NONE',
    ...(i.pull ? {
      draft: i.pull.draft,
      pull_request: { url: `${api}/pulls/${i.number}`, html_url: `${web}/pull/${i.number}`, diff_url: `${web}/pull/${i.number}.diff`, patch_url: `${web}/pull/${i.number}.patch`, merged_at: ts(i.pull.mergedAt) },
    } : {}),
  };
}

export interface PullStats { commits: number; additions: number; deletions: number; changed_files: number }

/** `stats` given: the single-PR view (merged, mergeable, counts); absent: the list view. */
export function pullJson(store: Store, r: RepoRec, i: PullIssue, stats?: PullStats) {
  const api = `${store.api}/repos/${r.fullName}`;
  const web = `${store.web}/${r.fullName}`;
  const p = i.pull;
  const head = headSha(r, i);
  const self = `${api}/pulls/${i.number}`;
  const side = (ref: string, sha: string) => ({ label: `${r.owner.login}:${ref}`, ref, sha, user: userJson(store, r.owner), repo: repoJson(store, r, false) });
  return {
    url: self, id: p.id, node_id: nodeId('PullRequest', p.id), html_url: `${web}/pull/${i.number}`,
    diff_url: `${web}/pull/${i.number}.diff`, patch_url: `${web}/pull/${i.number}.patch`, issue_url: `${api}/issues/${i.number}`,
    commits_url: `${self}/commits`, review_comments_url: `${self}/comments`, comments_url: `${api}/issues/${i.number}/comments`,
    statuses_url: `${api}/statuses/${head}`, number: i.number, state: i.state, locked: false, title: i.title,
    user: userJson(store, i.user), body: i.body, labels: [], milestone: null, active_lock_reason: null,
    created_at: iso(i.createdAt), updated_at: iso(i.updatedAt), closed_at: ts(i.closedAt), merged_at: ts(p.mergedAt),
    merge_commit_sha: p.mergeCommitSha, assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
    head: side(p.headRef, head), base: side(p.baseRef, baseSha(r, i)),
    _links: { self: { href: self }, html: { href: `${web}/pull/${i.number}` }, issue: { href: `${api}/issues/${i.number}` }, commits: { href: `${self}/commits` } },
    author_association: 'NONE', auto_merge: null, draft: p.draft,
    ...(stats ? {
      merged: p.merged, mergeable: i.state === 'open' ? true : null, rebaseable: i.state === 'open' ? true : null,
      mergeable_state: i.state === 'open' ? 'clean' : 'unknown', merged_by: null, comments: i.comments.length, review_comments: 0,
      maintainer_can_modify: false, ...stats,
    } : {}),
  };
}

export function commentJson(store: Store, r: RepoRec, i: IssueRec, c: CommentRec) {
  const api = `${store.api}/repos/${r.fullName}`;
  return {
    id: c.id, node_id: nodeId('IssueComment', c.id), url: `${api}/issues/comments/${c.id}`,
    html_url: `${store.web}/${r.fullName}/${i.pull ? 'pull' : 'issues'}/${i.number}#issuecomment-${c.id}`,
    body: c.body, user: userJson(store, c.user), created_at: iso(c.createdAt), updated_at: iso(c.updatedAt),
    issue_url: `${api}/issues/${i.number}`, author_association: 'NONE', performed_via_github_app: null,
  };
}

export function checkRunJson(store: Store, r: RepoRec, c: CheckRunRec, pullRequests: unknown[] = []) {
  return {
    id: c.id, node_id: nodeId('CheckRun', c.id), head_sha: c.headSha, external_id: '', name: c.name,
    url: `${store.api}/repos/${r.fullName}/check-runs/${c.id}`, html_url: c.htmlUrl, details_url: c.htmlUrl,
    status: c.status, conclusion: c.conclusion, started_at: iso(c.startedAt), completed_at: ts(c.completedAt),
    output: { title: null, summary: null, text: null, annotations_count: 0 },
    check_suite: { id: c.id + 1 }, app: null, pull_requests: pullRequests,
  };
}

export function statusJson(store: Store, r: RepoRec, s: StatusRec) {
  return {
    id: s.id, node_id: nodeId('StatusContext', s.id), url: `${store.api}/repos/${r.fullName}/statuses/${s.sha}`, avatar_url: null,
    state: s.state, description: s.description, target_url: s.targetUrl, context: s.context,
    created_at: iso(s.createdAt), updated_at: iso(s.createdAt), creator: userJson(store, s.creator),
  };
}

/** GitHub's combined state: failure if any failed, pending if none or any pending, else success. */
export function combinedState(statuses: StatusRec[]): string {
  if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

/** The latest status per context, newest first. */
export function latestStatuses(r: RepoRec, sha: string): StatusRec[] {
  const seen = new Set<string>();
  return r.statuses.filter((s) => s.sha === sha).reverse().filter((s) => !seen.has(s.context) && seen.add(s.context));
}
