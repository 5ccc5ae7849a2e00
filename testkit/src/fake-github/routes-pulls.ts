/**
 * Pull request endpoints: create (GitHub's 422s: missing fields, unknown head/base, no commits
 * between, "A pull request already exists for owner:branch."), list (`state`, `head=owner:branch`,
 * `base`), get (with merged + stats), update (title, body, state, base), commits.
 * Creation checks git first, then checks-and-inserts with no await in between, so two
 * simultaneous creates yield one PR and one 422.
 */
import * as g from './git-ops.ts';
import { paginate } from './router.ts';
import { REPO } from './routes-repo.ts';
import { actorOf } from './store.ts';
import { commitJson } from './shapes-repo.ts';
import { pullJson, type PullStats } from './shapes-issue.ts';
import { baseSha, headSha, pullsOf, setPullState, type PullIssue } from './pull-state.ts';
import { notFound, validation, type Ctx, type Route } from './types.ts';

const re = (rest: string) => new RegExp(`${REPO}${rest}$`);
const PULLS_READ = { pull_requests: 'read' } as const;
const PULLS_WRITE = { pull_requests: 'write' } as const;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function pullOr404(ctx: Ctx): PullIssue {
  const issue = ctx.repo.issues.get(Number(ctx.params[0]));
  if (!issue?.pull) throw notFound();
  return issue as PullIssue;
}

async function stats(ctx: Ctx, i: PullIssue): Promise<PullStats> {
  const { bare } = ctx.repo;
  const head = headSha(ctx.repo, i);
  const mb = (await g.mergeBase(bare, baseSha(ctx.repo, i) || head, head)) ?? head;
  const files = await g.diffFiles(bare, mb, head);
  return {
    commits: await g.countRange(bare, mb, head), changed_files: files.length,
    additions: files.reduce((n, f) => n + f.additions, 0), deletions: files.reduce((n, f) => n + f.deletions, 0),
  };
}

async function createPull(ctx: Ctx) {
  const { repo, body } = ctx;
  const title = str(body.title);
  const headSpec = str(body.head);
  const base = str(body.base);
  const missing = [!title && 'title', !headSpec && 'head', !base && 'base'].filter(Boolean);
  if (missing.length) throw validation(...missing.map((f) => ({ resource: 'PullRequest', code: 'missing_field', field: f })));
  const [owner, headRef] = headSpec!.includes(':') ? headSpec!.split(/:(.*)/s) : [repo.owner.login, headSpec!];
  const head = owner.toLowerCase() === repo.owner.login.toLowerCase() ? g.readRefSync(repo.bare, `refs/heads/${headRef}`) : null;
  if (!head) throw validation({ resource: 'PullRequest', field: 'head', code: 'invalid' });
  const baseHead = g.readRefSync(repo.bare, `refs/heads/${base}`);
  if (!baseHead) throw validation({ resource: 'PullRequest', field: 'base', code: 'invalid' });
  if (await g.isAncestor(repo.bare, head, baseHead)) {
    throw validation({ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${headRef}` });
  }
  // From here to the insert: synchronous, so a double-clicked create cannot open two PRs.
  const dup = pullsOf(repo).find((p) => p.state === 'open' && p.pull.headRef === headRef && p.pull.baseRef === base);
  if (dup) throw validation({ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner.login}:${headRef}.` });
  const now = Date.now();
  const issue: PullIssue = {
    id: ctx.store.nextId(), number: repo.nextNumber++, title: title!, body: str(body.body) ?? null, state: 'open',
    user: actorOf(ctx.store, ctx.principal), createdAt: now, updatedAt: now, closedAt: null, comments: [],
    pull: { id: ctx.store.nextId(), headRef, headSha: head, baseRef: base!, draft: body.draft === true, merged: false, mergedAt: null, mergeCommitSha: null },
  };
  repo.issues.set(issue.number, issue);
  ctx.headers.location = `${ctx.store.api}/repos/${repo.fullName}/pulls/${issue.number}`;
  return { status: 201, body: pullJson(ctx.store, repo, issue, await stats(ctx, issue)) };
}

export const pullRoutes: Route[] = [
  { method: 'POST', path: re('/pulls'), auth: 'token', repo: true, needs: PULLS_WRITE, handle: createPull },
  {
    method: 'GET', path: re('/pulls'), auth: 'token', repo: true, needs: PULLS_READ,
    handle(ctx) {
      const { state = 'open', head, base } = ctx.query;
      if (!['open', 'closed', 'all'].includes(state)) throw validation({ resource: 'Issue', field: 'state', code: 'invalid' });
      const [hOwner, hRef] = head ? (head.includes(':') ? head.split(/:(.*)/s) : [head, undefined]) : [];
      const list = pullsOf(ctx.repo).filter((p) =>
        (state === 'all' || p.state === state) && (!base || p.pull.baseRef === base) &&
        (!head || (hOwner.toLowerCase() === ctx.repo.owner.login.toLowerCase() && (hRef === undefined || p.pull.headRef === hRef))),
      ).sort((a, b) => b.number - a.number);
      return { status: 200, body: paginate(ctx, list).map((p) => pullJson(ctx.store, ctx.repo, p)) };
    },
  },
  {
    method: 'GET', path: re('/pulls/(\\d+)'), auth: 'token', repo: true, needs: PULLS_READ,
    async handle(ctx) {
      const p = pullOr404(ctx);
      return { status: 200, body: pullJson(ctx.store, ctx.repo, p, await stats(ctx, p)) };
    },
  },
  {
    method: 'PATCH', path: re('/pulls/(\\d+)'), auth: 'token', repo: true, needs: PULLS_WRITE,
    async handle(ctx) {
      const p = pullOr404(ctx);
      const { title, body, state, base } = ctx.body;
      if (state !== undefined && state !== 'open' && state !== 'closed') throw validation({ resource: 'PullRequest', field: 'state', code: 'invalid' });
      if (typeof base === 'string' && !g.readRefSync(ctx.repo.bare, `refs/heads/${base}`)) throw validation({ resource: 'PullRequest', field: 'base', code: 'invalid' });
      if (state === 'open' && p.state === 'closed') {
        if (p.pull.merged) throw validation({ resource: 'PullRequest', code: 'custom', message: 'Cannot reopen a merged pull request' });
        const other = pullsOf(ctx.repo).find((o) => o !== p && o.state === 'open' && o.pull.headRef === p.pull.headRef && o.pull.baseRef === p.pull.baseRef);
        if (other) throw validation({ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${ctx.repo.owner.login}:${p.pull.headRef}.` });
      }
      if (typeof title === 'string') p.title = title;
      if (typeof body === 'string' || body === null) p.body = body;
      if (typeof base === 'string') p.pull.baseRef = base;
      if (state && state !== p.state) setPullState(ctx.repo, p, state);
      p.updatedAt = Date.now();
      return { status: 200, body: pullJson(ctx.store, ctx.repo, p, await stats(ctx, p)) };
    },
  },
  {
    method: 'GET', path: re('/pulls/(\\d+)/commits'), auth: 'token', repo: true, needs: PULLS_READ,
    async handle(ctx) {
      const p = pullOr404(ctx);
      const head = headSha(ctx.repo, p);
      const mb = (await g.mergeBase(ctx.repo.bare, baseSha(ctx.repo, p) || head, head)) ?? head;
      const commits = await g.commitsBetween(ctx.repo.bare, mb, head);
      return { status: 200, body: paginate(ctx, commits).map((c) => commitJson(ctx.store, ctx.repo, c)) };
    },
  },
];
