/**
 * /v1/github: the user's GitHub connection (an app — typed in, or created through GitHub's
 * app-manifest flow — or a personal access token), the repository picker, and the allowlist of
 * GitHub logins whose `@dursor` comments start rounds without write access (issue "Seal every
 * attempt"). Secrets go in and never come out; the connection is checked against GitHub before it
 * is saved.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { GitHubLogin, GitHubManifestRequest, PutGitHubConnectionRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { deleteConnection, getConnection, insertManifestState, putConnection, takeManifestState } from '../db/queries/github.ts';
import { addAllowedLogin, listAllowedLogins, removeAllowedLogin } from '../db/queries/github-access.ts';
import { appConnectionRow, connectionRow, endpoints, toGitHubConnection } from '../github/connection.ts';
import { githubMessage } from '../github/errors.ts';
import { convertManifestCode, manifestFor, manifestPostUrl } from '../github/manifest.ts';
import { listVisibleRepos, userGitHub } from '../github/repos.ts';
import { requireOwner, requireUser } from '../middleware/auth.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { HttpError } from '../lib/errors.ts';
import { newSecret } from '../lib/ids.ts';
import { allowPrivateUrls } from '../lib/url-policy.ts';
import { jsonBody, pathParams } from '../lib/validate.ts';

const MANIFEST_STATE_TTL_MS = 60 * 60_000;
/** Enough for a team's outside contributors; keeps Settings → GitHub a list one can read. */
const MAX_ALLOWED_LOGINS = 100;
const LoginParam = z.object({ login: GitHubLogin });
const allowed = (r: { login: string; createdAt: number }) => ({ login: r.login, createdAt: r.createdAt });

const settingsRedirect = (query: string) => `/settings?${query}`;

export const githubRoutes = new Hono<AppEnv>()
  .get('/connection', requireUser, async (c) => {
    const conn = await getConnection(getDb(c.env.DB), c.get('user').id);
    return c.json({ connection: conn ? toGitHubConnection(conn) : null });
  })
  .put('/connection', requireUser, requireOwner, jsonBody(PutGitHubConnectionRequest), async (c) => {
    const db = getDb(c.env.DB);
    const row = await connectionRow(c.env.DURSOR_ENCRYPTION_KEY, c.get('user').id, c.req.valid('json'), allowPrivateUrls(c.env));
    await putConnection(db, row);
    return c.json({ connection: toGitHubConnection(row) });
  })
  .delete('/connection', requireUser, requireOwner, async (c) => {
    if (!(await deleteConnection(getDb(c.env.DB), c.get('user').id))) throw new HttpError(404, 'not_found', 'GitHub is not connected');
    return c.json({ ok: true as const });
  })
  .post('/manifest', requireUser, requireOwner, jsonBody(GitHubManifestRequest), async (c) => {
    const body = c.req.valid('json');
    const where = endpoints(body, allowPrivateUrls(c.env));
    const state = newSecret('ghm_');
    await insertManifestState(getDb(c.env.DB), {
      state, userId: c.get('user').id, ...where, expiresAt: Date.now() + MANIFEST_STATE_TTL_MS,
    });
    const origin = new URL(c.req.url);
    return c.json({
      postUrl: manifestPostUrl(where, state, body.org),
      manifest: JSON.stringify(manifestFor(origin.origin, origin.host)),
    });
  })
  // GitHub sends the browser back here (a top-level GET, so the SameSite=Lax session comes along).
  .get('/manifest/callback', requireUser, requireOwner, async (c) => {
    const code = c.req.query('code');
    const state = c.req.query('state');
    if (!code || !state) return c.redirect(settingsRedirect('github_error=GitHub+returned+no+code'), 302);
    const db = getDb(c.env.DB);
    const pending = await takeManifestState(db, state, c.get('user').id);
    if (!pending) return c.redirect(settingsRedirect('github_error=this+app+setup+link+expired%3B+start+again'), 302);
    try {
      const app = await convertManifestCode(pending.apiBaseUrl, code);
      if (!app.webhook_secret) throw new Error('GitHub returned no webhook secret');
      const row = await appConnectionRow(c.env.DURSOR_ENCRYPTION_KEY, c.get('user').id, pending, {
        appId: app.id, privateKey: app.pem, webhookSecret: app.webhook_secret, clientSecret: app.client_secret, slug: app.slug,
      });
      await putConnection(db, row);
      return c.redirect(settingsRedirect('github=connected'), 302);
    } catch (err) {
      const said = err instanceof HttpError ? err.message : githubMessage(err);
      return c.redirect(settingsRedirect(`github_error=${encodeURIComponent(`GitHub app setup failed: ${said}`)}`), 302);
    }
  })
  .get('/repos', requireUser, async (c) => {
    const gh = await userGitHub(getDb(c.env.DB), c.env.DURSOR_ENCRYPTION_KEY, c.get('user').id);
    return c.json({ repos: await listVisibleRepos(gh) });
  })
  .get('/allowlist', requireUser, async (c) => {
    const rows = await listAllowedLogins(getDb(c.env.DB), c.get('user').id);
    return c.json({ logins: rows.map(allowed) });
  })
  // PUT: adding a login that is there (in any case) is a no-op, so a repeat needs no idempotency key.
  .put('/allowlist/:login', requireUser, requireOwner, pathParams(LoginParam), async (c) => {
    const db = getDb(c.env.DB);
    const userId = c.get('user').id;
    const { login } = c.req.valid('param');
    const rows = await listAllowedLogins(db, userId);
    if (rows.length >= MAX_ALLOWED_LOGINS && !rows.some((r) => r.loginKey === login.toLowerCase())) {
      throw new HttpError(409, 'allowlist_full', `the allowlist holds at most ${MAX_ALLOWED_LOGINS} logins; remove one first`);
    }
    return c.json({ login: allowed(await addAllowedLogin(db, userId, login)) });
  })
  .delete('/allowlist/:login', requireUser, requireOwner, pathParams(LoginParam), async (c) => {
    const { login } = c.req.valid('param');
    if (!(await removeAllowedLogin(getDb(c.env.DB), c.get('user').id, login))) throw new HttpError(404, 'not_found', `${login} is not on the allowlist`);
    return c.json({ ok: true as const });
  });
