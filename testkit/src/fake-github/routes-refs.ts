/**
 * Git data endpoints that read or move refs with real git: `git/ref/{ref}`, `git/refs` create /
 * update (fast-forward checked with `merge-base --is-ancestor`, compare-and-swap with
 * `update-ref`) / delete, `compare/{base}...{head}`, and `merges` (a real merge commit from
 * `merge-tree --write-tree` + `commit-tree`; 204 when head is already in base, 409 on conflicts).
 */
import * as g from './git-ops.ts';
import { field } from './router.ts';
import { CONTENTS_READ, CONTENTS_WRITE, REPO, commitOf } from './routes-repo.ts';
import { actorOf } from './store.ts';
import { commitJson, refJson } from './shapes-repo.ts';
import { GhError, notFound, type Ctx, type Route } from './types.ts';

const re = (rest: string) => new RegExp(`${REPO}${rest}$`);
const NOT_FF = 'Update is not a fast forward';

async function objectSha(ctx: Ctx, sha: string): Promise<string> {
  const found = g.SHA.test(sha) ? await g.resolveCommit(ctx.repo.bare, sha) : null;
  if (!found) throw new GhError(422, 'Object does not exist');
  return found;
}

/** `base`/`head` of a compare: a branch, tag or sha, optionally `owner:` prefixed (same repo only). */
async function compareSide(ctx: Ctx, spec: string): Promise<string> {
  const parts = spec.split(':');
  if (parts.length > 1 && parts[0].toLowerCase() !== ctx.repo.owner.login.toLowerCase()) throw notFound();
  return commitOf(ctx, parts[parts.length - 1], 404);
}

export const refRoutes: Route[] = [
  {
    method: 'GET', path: re('/git/ref/(.+)'), auth: 'token', repo: true, needs: CONTENTS_READ,
    handle(ctx) {
      const ref = `refs/${ctx.params[0]}`;
      const sha = g.readRefSync(ctx.repo.bare, ref);
      if (!sha) throw notFound();
      return { status: 200, body: refJson(ctx.store, ctx.repo, ref, sha) };
    },
  },
  {
    method: 'POST', path: re('/git/refs'), auth: 'token', repo: true, needs: CONTENTS_WRITE,
    async handle(ctx) {
      const ref = field(ctx, 'ref', 'Reference');
      const sha = await objectSha(ctx, field(ctx, 'sha', 'Reference'));
      if (!ref.startsWith('refs/') || ref.split('/').length < 3 || !g.safeRef(ref)) {
        throw new GhError(422, "Reference name must start with 'refs/' and have at least two slashes.");
      }
      if (!(await g.updateRef(ctx.repo.bare, ref, sha, g.ZERO_SHA))) throw new GhError(422, 'Reference already exists');
      ctx.repo.pushedAt = Date.now();
      ctx.headers.location = `${ctx.store.api}/repos/${ctx.repo.fullName}/git/${ref}`;
      return { status: 201, body: refJson(ctx.store, ctx.repo, ref, sha) };
    },
  },
  {
    method: 'PATCH', path: re('/git/refs/(.+)'), auth: 'token', repo: true, needs: CONTENTS_WRITE,
    async handle(ctx) {
      const ref = `refs/${ctx.params[0]}`;
      const sha = await objectSha(ctx, field(ctx, 'sha', 'Reference'));
      const force = ctx.body.force === true;
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = g.readRefSync(ctx.repo.bare, ref);
        if (!current) throw new GhError(422, 'Reference does not exist');
        if (!force && !(await g.isAncestor(ctx.repo.bare, current, sha))) throw new GhError(422, NOT_FF);
        if (await g.updateRef(ctx.repo.bare, ref, sha, current)) {
          ctx.repo.pushedAt = Date.now();
          return { status: 200, body: refJson(ctx.store, ctx.repo, ref, sha) };
        }
      }
      throw new GhError(422, NOT_FF); // the ref kept moving under us
    },
  },
  {
    method: 'DELETE', path: re('/git/refs/(.+)'), auth: 'token', repo: true, needs: CONTENTS_WRITE,
    async handle(ctx) {
      const ref = `refs/${ctx.params[0]}`;
      const current = g.readRefSync(ctx.repo.bare, ref);
      if (!current || !(await g.deleteRef(ctx.repo.bare, ref, current))) throw new GhError(422, 'Reference does not exist');
      return { status: 204 };
    },
  },
  {
    method: 'GET', path: re('/compare/(.+)'), auth: 'token', repo: true, needs: CONTENTS_READ,
    async handle(ctx) {
      const [baseSpec, headSpec] = ctx.params[0].split('...');
      if (!baseSpec || !headSpec) throw notFound();
      const { bare, fullName } = ctx.repo;
      const [base, head] = [await compareSide(ctx, baseSpec), await compareSide(ctx, headSpec)];
      const mb = await g.mergeBase(bare, base, head);
      if (!mb) throw new GhError(404, `No common ancestor between ${baseSpec} and ${headSpec}.`);
      const [ahead, behind] = [await g.countRange(bare, base, head), await g.countRange(bare, head, base)];
      const status = ahead === 0 ? (behind === 0 ? 'identical' : 'behind') : behind === 0 ? 'ahead' : 'diverged';
      const commits = (await g.commitsBetween(bare, base, head)).slice(0, 250);
      const web = `${ctx.store.web}/${fullName}/compare/${ctx.params[0]}`;
      const body = {
        url: `${ctx.store.api}/repos/${fullName}/compare/${ctx.params[0]}`, html_url: web, permalink_url: web,
        diff_url: `${web}.diff`, patch_url: `${web}.patch`,
        base_commit: commitJson(ctx.store, ctx.repo, await g.commitInfo(bare, base)),
        merge_base_commit: commitJson(ctx.store, ctx.repo, await g.commitInfo(bare, mb)),
        status, ahead_by: ahead, behind_by: behind, total_commits: ahead,
        commits: commits.map((c) => commitJson(ctx.store, ctx.repo, c)), files: await g.diffFiles(bare, mb, head),
      };
      return { status: 200, body };
    },
  },
  {
    method: 'POST', path: re('/merges'), auth: 'token', repo: true, needs: CONTENTS_WRITE,
    async handle(ctx) {
      const { bare } = ctx.repo;
      const baseName = field(ctx, 'base', 'Merge');
      const headName = field(ctx, 'head', 'Merge');
      const ref = `refs/heads/${baseName}`;
      const head = await g.resolveCommit(bare, headName);
      const who = actorOf(ctx.store, ctx.principal);
      const message = typeof ctx.body.commit_message === 'string' && ctx.body.commit_message ? ctx.body.commit_message : `Merge ${headName} into ${baseName}`;
      let sha = '';
      // Compare-and-swap on the base; when it moves meanwhile, merge again onto the new base.
      for (let attempt = 0; !sha; attempt++) {
        const base = g.readRefSync(bare, ref);
        if (!base) throw new GhError(404, 'Base does not exist');
        if (!head) throw new GhError(404, 'Head does not exist');
        if (await g.isAncestor(bare, head, base)) return { status: 204 };
        const tree = await g.mergeTree(bare, base, head);
        if (!tree || attempt === 3) throw new GhError(409, 'Merge conflict');
        const merge = await g.commitTree(bare, tree, [base, head], message, { name: who.login, email: `${who.id}+${who.login}@users.noreply.github.com` });
        if (await g.updateRef(bare, ref, merge, base)) sha = merge;
      }
      ctx.repo.pushedAt = Date.now();
      ctx.headers.location = `${ctx.store.api}/repos/${ctx.repo.fullName}/commits/${sha}`;
      return { status: 201, body: commitJson(ctx.store, ctx.repo, await g.commitInfo(bare, sha)) };
    },
  },
];
