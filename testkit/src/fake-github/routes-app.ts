/**
 * App, installation and user endpoints: `GET /app`, installations (list, one, by repo / user /
 * org), installation access tokens (`ghs_…`, expiring after the fake's TTL, narrowed to the
 * `repositories` / `repository_ids` and `permissions` asked for: token-scope.ts), the manifest
 * conversion, `GET /installation/repositories` (the token's repos), `GET /user`, `GET /user/repos`.
 */
import { paginate } from './router.ts';
import { issueInstallationToken } from './store.ts';
import { appJson, installationJson, iso, repoJson, userJson } from './shapes-repo.ts';
import { covers, scopeFromRequest } from './token-scope.ts';
import { notFound, type Ctx, type Route } from './types.ts';

const REPO = '/repos/([^/]+)/([^/]+)';

function installationOr404(ctx: Ctx, id: string) {
  if (Number(id) !== ctx.store.installation.id) throw notFound();
  return installationJson(ctx.store);
}

const sorted = (ctx: Ctx, installedOnly: boolean) =>
  [...ctx.store.repos.values()].filter((r) => !installedOnly || r.installed).sort((a, b) => a.id - b.id)
    .filter((r) => ctx.principal?.kind !== 'installation' || covers(ctx.principal, r)).map((r) => repoJson(ctx.store, r));

export const appRoutes: Route[] = [
  { method: 'GET', path: /^\/app$/, auth: 'app', handle: (ctx) => ({ status: 200, body: appJson(ctx.store) }) },
  { method: 'GET', path: /^\/app\/installations$/, auth: 'app', handle: (ctx) => ({ status: 200, body: paginate(ctx, [installationJson(ctx.store)]) }) },
  { method: 'GET', path: /^\/app\/installations\/(\d+)$/, auth: 'app', handle: (ctx) => ({ status: 200, body: installationOr404(ctx, ctx.params[0]) }) },
  {
    method: 'POST', path: /^\/app\/installations\/(\d+)\/access_tokens$/, auth: 'app',
    handle(ctx) {
      installationOr404(ctx, ctx.params[0]);
      const scope = scopeFromRequest(ctx.store, ctx.body);
      const { token, expiresAt } = issueInstallationToken(ctx.store, scope);
      const repositories = scope.repoIds && [...ctx.store.repos.values()].filter((r) => scope.repoIds!.includes(r.id)).map((r) => repoJson(ctx.store, r));
      return {
        status: 201,
        body: { token, expires_at: iso(expiresAt), permissions: scope.permissions, repository_selection: 'selected', ...(repositories ? { repositories } : {}) },
      };
    },
  },
  {
    method: 'GET', path: new RegExp(`^${REPO}/installation$`), auth: 'app', repo: true,
    handle: (ctx) => ({ status: 200, body: installationJson(ctx.store) }),
  },
  {
    method: 'GET', path: /^\/(?:users|orgs)\/([^/]+)\/installation$/, auth: 'app',
    handle(ctx) {
      if (ctx.params[0].toLowerCase() !== ctx.store.installation.account.login.toLowerCase()) throw notFound();
      return { status: 200, body: installationJson(ctx.store) };
    },
  },
  {
    // No auth: the code itself is the credential, and it works once.
    method: 'POST', path: /^\/app-manifests\/([^/]+)\/conversions$/, auth: 'none',
    handle(ctx) {
      const { store } = ctx;
      if (!store.manifestCodes.has(ctx.params[0])) throw notFound();
      const manifest = store.manifestCodes.get(ctx.params[0]);
      store.manifestCodes.delete(ctx.params[0]);
      const a = store.app;
      const name = typeof manifest?.name === 'string' ? manifest.name : a.name;
      return {
        status: 201,
        body: { ...appJson(store), name, client_secret: a.clientSecret, webhook_secret: a.webhookSecret, pem: a.privateKeyPem, installations_count: 0 },
      };
    },
  },
  {
    method: 'GET', path: /^\/installation\/repositories$/, auth: 'installation',
    handle(ctx) {
      const all = sorted(ctx, true);
      return { status: 200, body: { total_count: all.length, repository_selection: 'selected', repositories: paginate(ctx, all) } };
    },
  },
  {
    method: 'GET', path: /^\/user$/, auth: 'user',
    handle: (ctx) => ({ status: 200, body: { ...userJson(ctx.store, ctx.principal!.kind === 'pat' ? ctx.principal!.user : ctx.store.bot), name: null, email: null } }),
  },
  { method: 'GET', path: /^\/user\/repos$/, auth: 'user', handle: (ctx) => ({ status: 200, body: paginate(ctx, sorted(ctx, false)) }) },
];
