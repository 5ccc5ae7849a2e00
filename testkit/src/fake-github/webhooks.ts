/**
 * Webhook deliveries as GitHub sends them: payload builders for issue_comment (on a PR or an
 * issue), pull_request_review_comment, pull_request, check_run and status — with `installation`,
 * `repository` and `sender`, shaped from the fake's current state — plus the
 * `X-Hub-Signature-256` HMAC and the full header set of a delivery. Builders do not change state.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { branchesAtSync, pullStatsSync } from './git-ops.ts';
import { baseSha, headSha, type PullIssue } from './pull-state.ts';
import { checkRunJson, issueJson, pullJson, statusJson } from './shapes-issue.ts';
import { appJson, iso, nodeId, repoJson, userJson } from './shapes-repo.ts';
import { repoOrThrow } from './store.ts';
import type { CheckRunRec, RepoRec, StatusRec, Store } from './types.ts';

export type WebhookPayload = Record<string, unknown>;

export interface FakeWebhooks {
  /** `sha256=<hex HMAC of body>` with `secret` (default: the app's webhook secret). */
  sign(body: string, secret?: string): string;
  /** Headers (`x-github-event`, `x-github-delivery`, `x-hub-signature-256`, …) and body of a delivery. */
  delivery(event: string, payload: WebhookPayload, secret?: string): { headers: Record<string, string>; body: string };
  issueComment(fullName: string, number: number, opts: { body: string; user?: string; action?: 'created' | 'edited' | 'deleted' }): WebhookPayload;
  reviewComment(fullName: string, number: number, opts: { body: string; user?: string; path?: string; line?: number }): WebhookPayload;
  /** `closed` on a merged PR (after `setPullState(…, 'merged')`) carries `merged: true`, as GitHub's does. */
  pullRequest(fullName: string, number: number, action: 'opened' | 'closed' | 'reopened' | 'synchronize' | 'edited', sender?: string): WebhookPayload;
  checkRun(fullName: string, run: CheckRunRec, action?: 'created' | 'completed' | 'rerequested'): WebhookPayload;
  status(fullName: string, status: StatusRec): WebhookPayload;
}

export function createWebhooks(store: Store): FakeWebhooks {
  const envelope = (r: RepoRec, sender: string) => ({
    repository: repoJson(store, r, false), sender: userJson(store, store.actor(sender)),
    installation: { id: store.installation.id, node_id: nodeId('Installation', store.installation.id) },
  });
  const pullOf = (r: RepoRec, n: number): PullIssue => {
    const i = r.issues.get(n);
    if (!i?.pull) throw new Error(`fake-github: no pull request #${n} in ${r.fullName}`);
    return i as PullIssue;
  };
  const fullPull = (r: RepoRec, p: PullIssue) => {
    const s = pullStatsSync(r.bare, baseSha(r, p) || headSha(r, p), headSha(r, p));
    const sum = (k: 'additions' | 'deletions') => s.files.reduce((n, f) => n + f[k], 0);
    return pullJson(store, r, p, { commits: s.commits, additions: sum('additions'), deletions: sum('deletions'), changed_files: s.files.length });
  };
  const sign = (body: string, secret = store.app.webhookSecret) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  return {
    sign,
    delivery(event, payload, secret) {
      const body = JSON.stringify(payload);
      const headers = {
        'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/fake', 'x-github-event': event, 'x-github-delivery': randomUUID(),
        'x-github-hook-id': '1', 'x-github-hook-installation-target-id': String(store.app.id), 'x-github-hook-installation-target-type': 'integration',
        'x-hub-signature-256': sign(body, secret),
      };
      return { headers, body };
    },
    issueComment(fullName, number, { body, user = 'octocat', action = 'created' }) {
      const r = repoOrThrow(store, fullName);
      const issue = r.issues.get(number);
      if (!issue) throw new Error(`fake-github: no issue #${number} in ${fullName}`);
      const id = store.nextId();
      const now = iso(Date.now());
      const comment = {
        id, node_id: nodeId('IssueComment', id), url: `${store.api}/repos/${fullName}/issues/comments/${id}`,
        html_url: `${store.web}/${fullName}/${issue.pull ? 'pull' : 'issues'}/${number}#issuecomment-${id}`, issue_url: `${store.api}/repos/${fullName}/issues/${number}`,
        body, user: userJson(store, store.actor(user)), created_at: now, updated_at: now, author_association: 'CONTRIBUTOR', performed_via_github_app: null,
      };
      return { action, issue: issueJson(store, r, issue), comment, ...envelope(r, user) };
    },
    reviewComment(fullName, number, { body, user = 'octocat', path = 'README.md', line = 1 }) {
      const r = repoOrThrow(store, fullName);
      const p = pullOf(r, number);
      const id = store.nextId();
      const now = iso(Date.now());
      const head = headSha(r, p);
      const comment = {
        id, node_id: nodeId('PullRequestReviewComment', id), url: `${store.api}/repos/${fullName}/pulls/comments/${id}`,
        pull_request_review_id: store.nextId(), diff_hunk: `@@ -${line},1 +${line},1 @@`, path, commit_id: head, original_commit_id: head,
        user: userJson(store, store.actor(user)), body, created_at: now, updated_at: now,
        html_url: `${store.web}/${fullName}/pull/${number}#discussion_r${id}`, pull_request_url: `${store.api}/repos/${fullName}/pulls/${number}`,
        author_association: 'CONTRIBUTOR', line, original_line: line, side: 'RIGHT', start_line: null, subject_type: 'line',
      };
      return { action: 'created', comment, pull_request: pullJson(store, r, p), ...envelope(r, user) };
    },
    pullRequest(fullName, number, action, sender = 'octocat') {
      const r = repoOrThrow(store, fullName);
      const p = pullOf(r, number);
      return { action, number, pull_request: fullPull(r, p), ...envelope(r, sender) };
    },
    checkRun(fullName, run, action = 'completed') {
      const r = repoOrThrow(store, fullName);
      const prs = [...r.issues.values()].filter((i): i is PullIssue => i.pull !== null && i.state === 'open' && headSha(r, i as PullIssue) === run.headSha)
        .map((i) => ({
          url: `${store.api}/repos/${fullName}/pulls/${i.number}`, id: i.pull.id, number: i.number,
          head: { ref: i.pull.headRef, sha: run.headSha, repo: { id: r.id, url: `${store.api}/repos/${fullName}`, name: r.name } },
          base: { ref: i.pull.baseRef, sha: baseSha(r, i), repo: { id: r.id, url: `${store.api}/repos/${fullName}`, name: r.name } },
        }));
      const json = checkRunJson(store, r, run, prs);
      const suite = { id: run.id + 1, head_branch: prs[0]?.head.ref ?? null, head_sha: run.headSha, status: run.status, conclusion: run.conclusion, pull_requests: prs, app: appJson(store) };
      return { action, check_run: { ...json, app: appJson(store), check_suite: suite }, ...envelope(r, 'octocat') };
    },
    status(fullName, s) {
      const r = repoOrThrow(store, fullName);
      const commitUrl = `${store.api}/repos/${fullName}/commits/${s.sha}`;
      return {
        ...statusJson(store, r, s), sha: s.sha, name: fullName,
        commit: { sha: s.sha, node_id: nodeId('Commit', s.id), url: commitUrl, html_url: `${store.web}/${fullName}/commit/${s.sha}` },
        branches: branchesAtSync(r.bare, s.sha).map((name) => ({ name, commit: { sha: s.sha, url: commitUrl }, protected: false })),
        ...envelope(r, s.creator.login),
      };
    },
  };
}
