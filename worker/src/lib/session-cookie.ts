/**
 * The browser session cookie (DESIGN §7): `dursor_session`, HttpOnly, SameSite=Lax, Secure when
 * the request came over https (wrangler dev on http://127.0.0.1 would otherwise drop it).
 * D1 stores only SHA-256 of the value.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { toBase64Url } from './base64.ts';

export const SESSION_COOKIE = 'dursor_session';
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

const isHttps = (c: Context): boolean => new URL(c.req.url).protocol === 'https:';

export function newSessionValue(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export function setSessionCookie(c: Context, value: string): void {
  setCookie(c, SESSION_COOKIE, value, {
    httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/', maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}
