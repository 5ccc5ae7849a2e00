/**
 * Saving a GitHub connection: the input is checked against GitHub before anything is stored (an
 * app's key must sign a JWT GitHub accepts at `GET /app`; a token must read `GET /user`), and
 * every secret is encrypted. Also the row → response mapping, which never carries a secret.
 */
import type { GitHubConnection, PutGitHubConnectionRequest } from '../../../protocol/src/index.ts';
import type { GitHubConnectionRow } from '../db/rows.ts';
import { badRequest } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { encryptSecret } from '../lib/secret-box.ts';
import { checkOutboundUrl } from '../lib/url-policy.ts';
import { appFrom, tokenKit } from './client.ts';
import { githubMessage } from './errors.ts';
import { canSignWith, toPkcs8Pem } from './pem.ts';

export const GITHUB_API = 'https://api.github.com';
export const GITHUB_WEB = 'https://github.com';

export interface Endpoints { apiBaseUrl: string; webUrl: string }

/** The API and web roots, checked by the outbound URL policy; trailing slashes dropped. */
export function endpoints(input: { apiBaseUrl?: string; webUrl?: string }, allowPrivate: boolean): Endpoints {
  const check = (raw: string, field: string) => {
    const r = checkOutboundUrl(raw, allowPrivate);
    if (!r.ok) throw badRequest(`${field}: ${r.reason}`);
    return r.url.href.replace(/\/+$/, '');
  };
  return { apiBaseUrl: check(input.apiBaseUrl ?? GITHUB_API, 'apiBaseUrl'), webUrl: check(input.webUrl ?? GITHUB_WEB, 'webUrl') };
}

export interface AppSecrets { appId: number; privateKey: string; webhookSecret: string; clientSecret?: string; slug?: string }

/** Checks an app against GitHub (`GET /app` with its JWT) and builds the encrypted row. */
export async function appConnectionRow(secret: string, userId: string, where: Endpoints, input: AppSecrets): Promise<GitHubConnectionRow> {
  const pkcs8 = toPkcs8Pem(input.privateKey);
  if (!pkcs8 || !(await canSignWith(pkcs8))) throw badRequest('privateKey: not an RSA private key in PEM form (download it from the app\'s settings page)');
  let app: { slug?: string; owner?: { login?: string } | null };
  try {
    app = (await appFrom(where.apiBaseUrl, input.appId, pkcs8).octokit.request('GET /app')).data as typeof app;
  } catch (err) {
    throw badRequest(`GitHub did not accept app ${input.appId} with this private key: ${githubMessage(err)}`);
  }
  const now = Date.now();
  return {
    id: newId(), userId, kind: 'app', ...where,
    appId: input.appId, appSlug: app.slug ?? input.slug ?? null, account: app.owner?.login ?? null,
    privateKeyEnc: await encryptSecret(secret, pkcs8),
    webhookSecretEnc: await encryptSecret(secret, input.webhookSecret),
    clientSecretEnc: input.clientSecret ? await encryptSecret(secret, input.clientSecret) : null,
    tokenEnc: null, tokenHint: null, createdAt: now, updatedAt: now,
  };
}

async function tokenConnectionRow(secret: string, userId: string, where: Endpoints, input: { token: string; webhookSecret?: string }): Promise<GitHubConnectionRow> {
  let login: string;
  try {
    login = ((await tokenKit(where.apiBaseUrl, input.token).request('GET /user')).data as { login: string }).login;
  } catch (err) {
    throw badRequest(`GitHub did not accept the token: ${githubMessage(err)}`);
  }
  const now = Date.now();
  return {
    id: newId(), userId, kind: 'token', ...where,
    appId: null, appSlug: null, account: login, privateKeyEnc: null, clientSecretEnc: null,
    webhookSecretEnc: input.webhookSecret ? await encryptSecret(secret, input.webhookSecret) : null,
    tokenEnc: await encryptSecret(secret, input.token), tokenHint: input.token.slice(-4),
    createdAt: now, updatedAt: now,
  };
}

export async function connectionRow(secret: string, userId: string, body: PutGitHubConnectionRequest, allowPrivate: boolean): Promise<GitHubConnectionRow> {
  const where = endpoints(body, allowPrivate);
  return body.kind === 'app'
    ? appConnectionRow(secret, userId, where, body)
    : tokenConnectionRow(secret, userId, where, body);
}

export function toGitHubConnection(r: GitHubConnectionRow): GitHubConnection {
  return {
    kind: r.kind, appId: r.appId, appSlug: r.appSlug, account: r.account,
    apiBaseUrl: r.apiBaseUrl, webUrl: r.webUrl,
    installUrl: r.kind === 'app' && r.appSlug ? `${r.webUrl}/apps/${r.appSlug}/installations/new` : null,
    webhookConfigured: r.webhookSecretEnc !== null, tokenHint: r.tokenHint, createdAt: r.createdAt,
  };
}
