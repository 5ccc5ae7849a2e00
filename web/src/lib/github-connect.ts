/**
 * GitHub connection form logic (pure, unit-tested): the three ways to connect (an existing app,
 * a personal access token; the manifest flow needs only the URLs) turned into protocol request
 * bodies with messages that name the field to fix, and the notice the Worker's manifest callback
 * leaves in the query string (`?github=connected` or `?github_error=<message>`).
 */
import { PutGitHubConnectionRequest } from '../../../protocol/src/index.ts';

type Urls = { apiBaseUrl?: string; webUrl?: string };
export type Built<T> = { ok: true; body: T } | { ok: false; message: string };

/**
 * "API URL" (optional) → the REST root and, when it can be told, the web root: api.github.com
 * is github.com; a GitHub Enterprise Server's REST root is `<host>/api/v3`, its web root `<host>`.
 */
export function apiUrls(text: string): Built<Urls> {
  const t = text.trim().replace(/\/+$/, '');
  if (t === '') return { ok: true, body: {} };
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    return { ok: false, message: 'API URL: give a full URL such as https://github.example.com/api/v3, or leave it empty for github.com.' };
  }
  // http is left to the Worker's URL policy (a local test double); anything else is a typo.
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, message: 'API URL: must start with https://.' };
  if (u.hostname === 'api.github.com') return { ok: true, body: { apiBaseUrl: t, webUrl: 'https://github.com' } };
  if (/\/api\/v3$/.test(u.pathname)) return { ok: true, body: { apiBaseUrl: t, webUrl: u.origin } };
  return { ok: true, body: { apiBaseUrl: t } };
}

export type AppFields = { appId: string; privateKey: string; webhookSecret: string; apiUrl: string };
export type TokenFields = { token: string; webhookSecret: string; apiUrl: string };
type PutBody = PutGitHubConnectionRequest;

export function appConnectionBody(f: AppFields): Built<PutBody> {
  const appId = f.appId.trim();
  if (!/^\d+$/.test(appId) || Number(appId) < 1) return { ok: false, message: 'App ID: the number GitHub shows on the app’s settings page.' };
  const privateKey = f.privateKey.trim();
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    return { ok: false, message: 'Private key: paste the whole .pem file GitHub downloaded, from -----BEGIN to -----END.' };
  }
  if (f.webhookSecret.length < 8) return { ok: false, message: 'Webhook secret: at least 8 characters, the same as in the app’s settings.' };
  const urls = apiUrls(f.apiUrl);
  if (!urls.ok) return urls;
  return checked({ kind: 'app', appId: Number(appId), privateKey, webhookSecret: f.webhookSecret, ...urls.body });
}

export function tokenConnectionBody(f: TokenFields): Built<PutBody> {
  const token = f.token.trim();
  if (token.length < 10) return { ok: false, message: 'Token: paste a personal access token (it starts with ghp_ or github_pat_).' };
  if (f.webhookSecret !== '' && f.webhookSecret.length < 8) return { ok: false, message: 'Webhook secret: at least 8 characters, or leave it empty.' };
  const urls = apiUrls(f.apiUrl);
  if (!urls.ok) return urls;
  return checked({ kind: 'token', token, ...(f.webhookSecret ? { webhookSecret: f.webhookSecret } : {}), ...urls.body });
}

/** The protocol schema has the last word, so the form never sends what the Worker would refuse. */
function checked(body: unknown): Built<PutBody> {
  const r = PutGitHubConnectionRequest.safeParse(body);
  return r.success ? { ok: true, body: r.data } : { ok: false, message: r.error.issues[0]?.message ?? 'Check the fields.' };
}

export type GitHubNotice = { kind: 'ok' | 'error'; message: string };

/** What the manifest flow's redirect back to /settings says, if anything. */
export function githubNotice(search: string): GitHubNotice | null {
  const q = new URLSearchParams(search);
  const err = q.get('github_error');
  if (err !== null) return { kind: 'error', message: `GitHub App setup did not finish: ${err.trim() || 'unknown error'}` };
  if (q.get('github') === 'connected') return { kind: 'ok', message: 'GitHub App created and connected. Install it on the repositories dursor should work on.' };
  return null;
}

/** The query string without the manifest flow's keys, so a reload does not repeat the notice. */
export function withoutNotice(search: string): string {
  const q = new URLSearchParams(search);
  q.delete('github');
  q.delete('github_error');
  const s = q.toString();
  return s ? `?${s}` : '';
}
