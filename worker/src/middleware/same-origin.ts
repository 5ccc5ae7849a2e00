/**
 * Cross-origin protection (issue 11). The session cookie is sent with any request the browser
 * makes to dursor, whichever page asks, so a page on another origin could otherwise cancel runs,
 * mint runner tokens or open a task's socket and read its log. SameSite=Lax stops the cookie on
 * cross-site POSTs but not same-site ones (a sibling subdomain, another port), and the fetch
 * spec lets any page send a `text/plain` POST without asking first.
 *
 * So every state-changing request (not GET/HEAD/OPTIONS) and every WebSocket upgrade a browser
 * sends from another origin is refused with 403 `cross_origin`, before any route runs. The
 * browser says where a request comes from, and a page cannot forge either header:
 * - `Sec-Fetch-Site` (every current browser, on https and loopback): `same-origin` passes
 *   (`none`, a request the user made themselves, too); `same-site` and `cross-site` do not.
 * - otherwise `Origin` (sent on every cross-origin request and every socket upgrade): it must
 *   name this host — the host the request was made to, so `npm start` on 127.0.0.1:8787, the same
 *   reached as localhost:8787, and a deployment each accept their own page. `null` never passes.
 *   (Hosts are compared, not schemes, so a TLS-terminating proxy in front of `wrangler dev` works.)
 * - neither header: not a browser (runners, scripts, GitHub, curl), so nothing to protect.
 * This is the algorithm of Go's `http.CrossOriginProtection`. Hono's `csrf()` checks only form
 * content types and not socket upgrades, hence this module.
 *
 * A request with `Authorization: Bearer …` is authenticated by that token, never by the cookie
 * (`lib/credentials.ts`), so it is not checked: API tokens, runner credentials, run tokens.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/app-env.ts';
import { readBearer } from '../lib/credentials.ts';
import { HttpError } from '../lib/errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sameOriginOnly = createMiddleware<AppEnv>(async (c, next) => {
  const isUpgrade = c.req.header('upgrade')?.toLowerCase() === 'websocket';
  if ((SAFE_METHODS.has(c.req.method) && !isUpgrade) || readBearer(c) !== undefined) return next();
  const refusal = crossOriginRefusal(c);
  if (refusal) {
    throw new HttpError(403, 'cross_origin',
      `${refusal}: dursor takes changes and sockets only from its own pages (scripts: use Authorization: Bearer <API token>)`);
  }
  await next();
});

/** Why the browser's own headers say this request came from another origin, or null. */
function crossOriginRefusal(c: Context): string | null {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) {
    return site === 'same-origin' || site === 'none' ? null : `cross-origin request refused (Sec-Fetch-Site: ${site})`;
  }
  const origin = c.req.header('origin');
  if (origin === undefined) return null;
  return originHost(origin) === new URL(c.req.url).host ? null : `cross-origin request refused (Origin: ${origin.slice(0, 100)})`;
}

/** host[:port] of an Origin header, or null for `null` and anything unparsable. */
function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : null;
  } catch {
    return null;
  }
}
