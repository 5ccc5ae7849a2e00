/**
 * Issue, comment and check endpoints: issues list (PRs included, with a `pull_request` key, as
 * on GitHub) and get, issue comments (post as the app's bot or the PAT's user, list), and a
 * commit's check runs and combined status (ref = branch, tag or sha).
 */
import { paginate } from './router.ts';
import { REPO, commitOf } from './routes-repo.ts';
import { actorOf } from './store.ts';
import { checkRunJson, combinedState, commentJson, issueJson, latestStatuses, statusJson } from './shapes-issue.ts';
import { repoJson } from './shapes-repo.ts';
import { notFound, validation, type Ctx, type IssueRec, type Route } from './types.ts';

const re = (rest: string) => new RegExp(`${REPO}${rest}$`);

function issueOr404(ctx: Ctx): IssueRec {
  const issue = ctx.repo.issues.get(Number(ctx.params[0]));
  if (!issue) throw notFound();
  return issue;
}

export const issueRoutes: Route[] = [
  {
    method: 'GET', path: re('/issues'), auth: 'token', repo: true, needs: { issues: 'read' },
    handle(ctx) {
      const state = ctx.query.state ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) throw validation({ resource: 'Issue', field: 'state', code: 'invalid' });
      const list = [...ctx.repo.issues.values()].filter((i) => state === 'all' || i.state === state).sort((a, b) => b.number - a.number);
      return { status: 200, body: paginate(ctx, list).map((i) => issueJson(ctx.store, ctx.repo, i)) };
    },
  },
  { method: 'GET', path: re('/issues/(\\d+)'), auth: 'token', repo: true, needs: { issues: 'read' }, handle: (ctx) => ({ status: 200, body: issueJson(ctx.store, ctx.repo, issueOr404(ctx)) }) },
  {
    method: 'POST', path: re('/issues/(\\d+)/comments'), auth: 'token', repo: true, needs: { issues: 'write', pull_requests: 'write' },
    handle(ctx) {
      const issue = issueOr404(ctx);
      const body = ctx.body.body;
      if (typeof body !== 'string' || body === '') throw validation({ resource: 'IssueComment', code: 'missing_field', field: 'body' });
      const now = Date.now();
      const comment = { id: ctx.store.nextId(), body, user: actorOf(ctx.store, ctx.principal), createdAt: now, updatedAt: now };
      issue.comments.push(comment);
      issue.updatedAt = now;
      const json = commentJson(ctx.store, ctx.repo, issue, comment);
      ctx.headers.location = json.url;
      return { status: 201, body: json };
    },
  },
  {
    method: 'GET', path: re('/issues/(\\d+)/comments'), auth: 'token', repo: true, needs: { issues: 'read', pull_requests: 'read' },
    handle(ctx) {
      const issue = issueOr404(ctx);
      return { status: 200, body: paginate(ctx, issue.comments).map((c) => commentJson(ctx.store, ctx.repo, issue, c)) };
    },
  },
  {
    method: 'GET', path: re('/commits/([^/]+)/check-runs'), auth: 'token', repo: true, needs: { checks: 'read' },
    async handle(ctx) {
      const sha = await commitOf(ctx, ctx.params[0]);
      const { check_name: name, status, filter = 'latest' } = ctx.query;
      let runs = ctx.repo.checkRuns.filter((c) => c.headSha === sha && (!name || c.name === name) && (!status || c.status === status)).reverse();
      if (filter === 'latest') {
        const seen = new Set<string>();
        runs = runs.filter((c) => !seen.has(c.name) && seen.add(c.name));
      }
      return { status: 200, body: { total_count: runs.length, check_runs: paginate(ctx, runs).map((c) => checkRunJson(ctx.store, ctx.repo, c)) } };
    },
  },
  {
    method: 'GET', path: re('/commits/([^/]+)/status'), auth: 'token', repo: true, needs: { statuses: 'read' },
    async handle(ctx) {
      const sha = await commitOf(ctx, ctx.params[0]);
      const statuses = latestStatuses(ctx.repo, sha);
      const api = `${ctx.store.api}/repos/${ctx.repo.fullName}`;
      return {
        status: 200,
        body: {
          state: combinedState(statuses), statuses: statuses.map((s) => statusJson(ctx.store, ctx.repo, s)), sha, total_count: statuses.length,
          repository: repoJson(ctx.store, ctx.repo, false), commit_url: `${api}/commits/${sha}`, url: `${api}/commits/${sha}/status`,
        },
      };
    },
  },
];
