/**
 * Test clients for the API. `setupOwner()` performs first-run setup (or logs in when this test
 * file already did it: storage is isolated per file, shared by its tests) and returns a client
 * that sends the session cookie. `via` picks the transport: SELF (the real Worker with its
 * real DOs) by default, or `appWith(overrides)` (the same Hono app with some bindings replaced,
 * e.g. fake Durable Objects or DURSOR_ALLOW_PRIVATE_URLS=false).
 */
import { createExecutionContext, env, SELF } from 'cloudflare:test';
import { app } from '../../src/app.ts';
import type { Env } from '../../src/env.ts';

export const BASE = 'http://dursor.test';
export const OWNER = { email: 'owner@example.com', password: 'correct horse battery staple' };

export type Transport = (req: Request) => Promise<Response>;

export const viaSelf: Transport = (req) => SELF.fetch(req);

export function appWith(overrides: Partial<Env>): Transport {
  return async (req) => app.fetch(req, { ...env, ...overrides } as Env, createExecutionContext());
}

export interface Client {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  headers: Record<string, string>;
  with(via: Transport): Client;
}

export function client(headers: Record<string, string> = {}, via: Transport = viaSelf): Client {
  const doFetch = (path: string, init: RequestInit = {}) => {
    const h = new Headers(init.headers);
    for (const [k, v] of Object.entries(headers)) if (!h.has(k)) h.set(k, v);
    return via(new Request(`${BASE}${path}`, { ...init, headers: h }));
  };
  return {
    headers,
    fetch: doFetch,
    post: (path, body, extra = {}) => doFetch(path, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...extra },
    }),
    with: (t) => client(headers, t),
  };
}

export const anonymous = (via: Transport = viaSelf): Client => client({}, via);

/** "dursor_session=abc; Path=/; …" → "dursor_session=abc" */
export function sessionCookie(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /dursor_session=([^;]*)/.exec(set);
  if (!m || !m[1]) throw new Error(`no session cookie in: ${set}`);
  return `dursor_session=${m[1]}`;
}

export async function setupOwner(): Promise<Client> {
  const anon = anonymous();
  const state = await (await anon.fetch('/v1/auth/state')).json() as { setupRequired: boolean };
  const res = state.setupRequired ? await anon.post('/v1/auth/setup', OWNER) : await anon.post('/v1/auth/login', OWNER);
  if (res.status !== 201 && res.status !== 200) throw new Error(`setup/login failed: ${res.status} ${await res.text()}`);
  return client({ cookie: sessionCookie(res) });
}

export async function json<T = Record<string, unknown>>(res: Response, status?: number): Promise<T> {
  const text = await res.text();
  if (status !== undefined && res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface ApiErrorBody { error: { code: string; message: string } }
