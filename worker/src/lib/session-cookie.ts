/**
 * The browser session cookie (docs/architecture.md §7): HttpOnly, SameSite=Lax, 30 days; D1 stores only
 * SHA-256 of the value.
 * - Over https (a deployment) it is `__Host-dursor_session`: Secure, Path=/, no Domain. The browser
 *   refuses to take a cookie of that name from http or from a sibling host, so nobody can plant
 *   a session of theirs in the owner's browser; an unprefixed `dursor_session` is not read there.
 * - Over http (wrangler dev on http://127.0.0.1 or localhost) it is plain `dursor_session`, not
 *   Secure: a browser would drop a Secure cookie set over http.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { toBase64Url } from './base64.ts';

export const SESSION_COOKIE = 'dursor_session';
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

const isHttps = (c: Context): boolean => new URL(c.req.url).protocol === 'https:';

/** hono's `prefix: 'host'` names it `__Host-…` and forces Secure, Path=/ and no Domain. */
const cookieOptions = (c: Context): CookieOptions => ({
  httpOnly: true, sameSite: 'Lax', path: '/', ...(isHttps(c) ? { prefix: 'host' } : {}),
});

export function newSessionValue(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export function setSessionCookie(c: Context, value: string): void {
  setCookie(c, SESSION_COOKIE, value, { ...cookieOptions(c), maxAge: SESSION_TTL_MS / 1000 });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE, isHttps(c) ? 'host' : undefined) || undefined;
}
