/**
 * Repository read endpoints backed by the bare repo: the repo itself, branches, one commit and
 * file contents (`GET …/contents/{path}?ref=`, base64 like GitHub, 60-column lines).
 */
import * as g from './git-ops.ts';
import { paginate } from './router.ts';
import { branchSummaryJson, commitJson, repoJson } from './shapes-repo.ts';
import { GhError, notFound, type Ctx, type Route } from './types.ts';

export const REPO = '^/repos/([^/]+)/([^/]+)';
export const CONTENTS_READ = { contents: 'read' } as const;
export const CONTENTS_WRITE = { contents: 'write' } as const;
const re = (rest: string) => new RegExp(`${REPO}${rest}$`);

/** A ref from a request (branch, tag or sha) to a commit, or 422/404 as GitHub answers. */
export async function commitOf(ctx: Ctx, ref: string, status = 422): Promise<string> {
  const sha = await g.resolveCommit(ctx.repo.bare, ref);
  if (!sha) throw new GhError(status, status === 404 ? 'Not Found' : `No commit found for SHA: ${ref}`);
  return sha;
}

function contentJson(ctx: Ctx, e: g.TreeEntry, ref: string) {
  const { store, repo } = ctx;
  const type = e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : e.mode === '120000' ? 'symlink' : 'file';
  const path = e.path.split('/').map(encodeURIComponent).join('/');
  const url = `${store.api}/repos/${repo.fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${store.api}/repos/${repo.fullName}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`;
  const htmlUrl = `${store.web}/${repo.fullName}/${e.type === 'tree' ? 'tree' : 'blob'}/${encodeURIComponent(ref)}/${path}`;
  return {
    type, size: e.type === 'tree' ? 0 : e.size, name: e.path.split('/').pop(), path: e.path, sha: e.sha, url, git_url: gitUrl, html_url: htmlUrl,
    download_url: type === 'file' ? `${store.web}/${repo.fullName}/raw/${encodeURIComponent(ref)}/${path}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

export const repoRoutes: Route[] = [
  { method: 'GET', path: re(''), auth: 'token', repo: true, needs: { metadata: 'read' }, handle: (ctx) => ({ status: 200, body: repoJson(ctx.store, ctx.repo) }) },
  {
    method: 'GET', path: re('/branches'), auth: 'token', repo: true, needs: CONTENTS_READ,
    async handle(ctx) {
      const list = (await g.branches(ctx.repo.bare)).sort((a, b) => a.name.localeCompare(b.name));
      return { status: 200, body: paginate(ctx, list.map((b) => branchSummaryJson(ctx.store, ctx.repo, b.name, b.sha))) };
    },
  },
  {
    method: 'GET', path: re('/branches/(.+)'), auth: 'token', repo: true, needs: CONTENTS_READ,
    async handle(ctx) {
      const name = ctx.params[0];
      const sha = g.readRefSync(ctx.repo.bare, `refs/heads/${name}`);
      if (!sha) throw new GhError(404, 'Branch not found');
      const base = `${ctx.store.web}/${ctx.repo.fullName}`;
      const body = {
        name, commit: commitJson(ctx.store, ctx.repo, await g.commitInfo(ctx.repo.bare, sha)), protected: false,
        _links: { self: `${ctx.store.api}/repos/${ctx.repo.fullName}/branches/${encodeURIComponent(name)}`, html: `${base}/tree/${name}` },
      };
      return { status: 200, body };
    },
  },
  {
    method: 'GET', path: re('/commits/([^/]+)'), auth: 'token', repo: true, needs: CONTENTS_READ,
    async handle(ctx) {
      const sha = await commitOf(ctx, ctx.params[0]);
      const info = await g.commitInfo(ctx.repo.bare, sha);
      const files = info.parents[0] ? await g.diffFiles(ctx.repo.bare, info.parents[0], sha) : [];
      const stats = files.reduce((s, f) => ({ additions: s.additions + f.additions, deletions: s.deletions + f.deletions, total: s.total + f.changes }), { additions: 0, deletions: 0, total: 0 });
      return { status: 200, body: { ...commitJson(ctx.store, ctx.repo, info), stats, files } };
    },
  },
  {
    method: 'GET', path: re('/contents(?:/(.*))?'), auth: 'token', repo: true, needs: CONTENTS_READ,
    async handle(ctx) {
      const ref = ctx.query.ref || ctx.repo.defaultBranch;
      const sha = await commitOf(ctx, ref, 404);
      const path = (ctx.params[0] ?? '').replace(/^\/+|\/+$/g, '');
      if (path.split('/').some((p) => p === '..' || p === '.')) throw notFound();
      const self = path === '' ? { type: 'tree' } as g.TreeEntry : (await g.lsTree(ctx.repo.bare, sha, path, false))[0];
      if (!self || (path !== '' && self.path !== path)) throw notFound();
      if (self.type === 'tree') {
        const children = await g.lsTree(ctx.repo.bare, sha, path, true);
        return { status: 200, body: children.map((e) => contentJson(ctx, e, ref)) };
      }
      const body: Record<string, unknown> = contentJson(ctx, self, ref);
      if (body.type === 'file' || body.type === 'symlink') {
        const data = await g.readBlob(ctx.repo.bare, self.sha);
        if (body.type === 'symlink') body.target = data.toString('utf8');
        else Object.assign(body, { content: data.length ? `${(data.toString('base64').match(/.{1,60}/g) ?? []).join('\n')}\n` : '', encoding: 'base64' });
      }
      return { status: 200, body };
    },
  },
];
