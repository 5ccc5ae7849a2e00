/**
 * The web side (github.com) on the same server: simple 200 pages for the `html_url`s the API hands
 * out (repo, pull, issue, compare, commit, app pages) and the app-manifest flow's form target
 * (`POST /settings/apps/new` or `/organizations/{org}/settings/apps/new` with a `manifest` field →
 * 302 to the manifest's `redirect_url` with `?code=…&state=…`, as GitHub does after the user confirms).
 */
import type { ServerResponse } from 'node:http';
import type { IncomingCall } from '../fake-http.ts';
import { findRepo, newManifestCode } from './store.ts';
import type { Store } from './types.ts';

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
};
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string): true {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1></body></html>`);
  return true;
}

function manifestFlow(store: Store, call: IncomingCall): true {
  const form = new URLSearchParams(typeof call.record.body === 'string' ? call.record.body : '');
  let manifest: Record<string, unknown> | null = null;
  try {
    const v = JSON.parse(form.get('manifest') ?? '');
    if (v && typeof v === 'object' && !Array.isArray(v)) manifest = v;
  } catch { /* answered below */ }
  const redirect = typeof manifest?.redirect_url === 'string' ? manifest.redirect_url : '';
  if (!manifest || !/^https?:\/\//.test(redirect)) return page(call.res, 400, 'Invalid GitHub App configuration');
  store.manifests.push(manifest);
  const to = new URL(redirect);
  to.searchParams.set('code', newManifestCode(store, manifest));
  if (call.record.query.state) to.searchParams.set('state', call.record.query.state);
  call.res.writeHead(302, { location: to.toString(), 'content-type': 'text/html; charset=utf-8' });
  call.res.end();
  return true;
}

/** Serves a web page when the request is one; false to let the API answer 404. */
export function servePage(store: Store, call: IncomingCall): boolean {
  const { method, path } = call.record;
  if (method === 'POST' && /^(\/organizations\/[^/]+)?\/settings\/apps\/new$/.test(path)) return manifestFlow(store, call);
  if (method !== 'GET') return false;
  if (/^\/apps\/[^/]+(\/installations\/new)?$/.test(path)) return page(call.res, 200, `GitHub App ${path.split('/')[2]}`);
  const m = /^\/([^/]+)\/([^/]+)(?:\/(pull|issues)\/(\d+)|\/(?:compare|commit|tree|blob)\/.*)?$/.exec(path);
  const repo = m ? findRepo(store, decode(m[1]), decode(m[2])) : undefined;
  if (!m || !repo) return false;
  if (m[3]) {
    const issue = repo.issues.get(Number(m[4]));
    if (!issue || (m[3] === 'pull') !== (issue.pull !== null)) return page(call.res, 404, 'Page not found');
    return page(call.res, 200, `${issue.title} · ${m[3] === 'pull' ? 'Pull Request' : 'Issue'} #${issue.number} · ${repo.fullName}`);
  }
  return page(call.res, 200, decode(path.slice(1)));
}
