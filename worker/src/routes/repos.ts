/**
 * /v1/repos: register (an https clone URL under the outbound URL policy, or a repository the
 * GitHub connection can see), list, delete; a GitHub repo's branches and open issues (pickers).
 */
import { Hono } from 'hono';
import { CreateRepoRequest, UpdateRepoRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toRepo } from '../db/mappers.ts';
import { deleteRepo, getRepo, insertRepo, listRepos, repoHasTasks, updateRepo } from '../db/queries/repos.ts';
import type { RepoRow } from '../db/rows.ts';
import { githubRepo } from '../github/repo-access.ts';
import { listBranches, listIssues, resolveRepo, userGitHub } from '../github/repos.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { badRequest, HttpError, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { allowPrivateUrls, checkOutboundUrl } from '../lib/url-policy.ts';
import { jsonBody } from '../lib/validate.ts';

/** "https://github.com/acme/widgets.git" → "acme/widgets". */
function defaultDisplayName(url: URL): string {
  const path = url.pathname.replace(/\.git$/, '').replace(/^\/+|\/+$/g, '');
  return (path || url.hostname).slice(0, 100);
}

export const repoRoutes = new Hono<AppEnv>()
  .get('/', requireUser, async (c) => {
    const rows = await listRepos(getDb(c.env.DB), c.get('user').id);
    return c.json({ repos: rows.map(toRepo) });
  })
  .post('/', requireUser, jsonBody(CreateRepoRequest), idempotent(), async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const user = c.get('user');
    let row: RepoRow = {
      id: newId(), userId: user.id, cloneUrl: '', defaultBranch: body.defaultBranch ?? 'main', displayName: '',
      githubFullName: null, githubInstallationId: null, htmlUrl: null, sandbox: null, allowWorkflowChanges: false, createdAt: Date.now(),
    };
    let cloneUrl = body.cloneUrl ?? '';
    if (body.github) {
      const gh = await userGitHub(db, c.env.DURSOR_ENCRYPTION_KEY, user.id);
      const found = await resolveRepo(gh, body.github.fullName, body.github.installationId);
      cloneUrl = found.cloneUrl;
      row = {
        ...row, defaultBranch: body.defaultBranch ?? found.defaultBranch, displayName: found.fullName,
        githubFullName: found.fullName, githubInstallationId: found.installationId, htmlUrl: found.htmlUrl,
      };
    }
    const check = checkOutboundUrl(cloneUrl, allowPrivateUrls(c.env));
    if (!check.ok) throw badRequest(`cloneUrl: ${check.reason}`);
    row = { ...row, cloneUrl: check.url.href, displayName: body.displayName ?? (row.displayName || defaultDisplayName(check.url)) };
    await insertRepo(db, row);
    return c.json({ repo: toRepo(row) }, 201);
  })
  .get('/:id/branches', requireUser, async (c) => {
    const { repo, kit } = await githubRepo(getDb(c.env.DB), c.env.DURSOR_ENCRYPTION_KEY, c.get('user').id, c.req.param('id'));
    return c.json({ branches: await listBranches(kit, repo.githubFullName) });
  })
  .get('/:id/issues', requireUser, async (c) => {
    const { repo, kit } = await githubRepo(getDb(c.env.DB), c.env.DURSOR_ENCRYPTION_KEY, c.get('user').id, c.req.param('id'));
    return c.json({ issues: await listIssues(kit, repo.githubFullName) });
  })
  /** Name, default branch, what its attempts' sandboxes let through (issue 10: hosts, caps), workflow changes (issue 11). */
  .patch('/:id', requireUser, jsonBody(UpdateRepoRequest), async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const row = Object.keys(changes).length
      ? await updateRepo(db, c.get('user').id, c.req.param('id'), changes)
      : await getRepo(db, c.get('user').id, c.req.param('id'));
    if (!row) throw notFound('repo');
    return c.json({ repo: toRepo(row) });
  })
  .delete('/:id', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const repo = await getRepo(db, c.get('user').id, c.req.param('id'));
    if (!repo) throw notFound('repo');
    if (await repoHasTasks(db, repo.id)) throw new HttpError(409, 'repo_in_use', 'this repo has tasks; it cannot be deleted');
    await deleteRepo(db, repo.userId, repo.id);
    return c.json({ ok: true as const });
  });
