/** /v1/repos: register (https clone URL under the outbound URL policy), list, delete. */
import { Hono } from 'hono';
import { CreateRepoRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toRepo } from '../db/mappers.ts';
import { deleteRepo, getRepo, insertRepo, listRepos, repoHasTasks } from '../db/queries/repos.ts';
import type { RepoRow } from '../db/rows.ts';
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
    const check = checkOutboundUrl(body.cloneUrl, allowPrivateUrls(c.env));
    if (!check.ok) throw badRequest(`cloneUrl: ${check.reason}`);
    const row: RepoRow = {
      id: newId(),
      userId: c.get('user').id,
      cloneUrl: check.url.href,
      defaultBranch: body.defaultBranch,
      displayName: body.displayName ?? defaultDisplayName(check.url),
      createdAt: Date.now(),
    };
    await insertRepo(getDb(c.env.DB), row);
    return c.json({ repo: toRepo(row) }, 201);
  })
  .delete('/:id', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const repo = await getRepo(db, c.get('user').id, c.req.param('id'));
    if (!repo) throw notFound('repo');
    if (await repoHasTasks(db, repo.id)) throw new HttpError(409, 'repo_in_use', 'this repo has tasks; it cannot be deleted');
    await deleteRepo(db, repo.userId, repo.id);
    return c.json({ ok: true as const });
  });
