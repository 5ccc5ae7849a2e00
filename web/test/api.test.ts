import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, configureApi, request } from '../src/lib/api.ts';
import { api } from '../src/lib/endpoints.ts';

type Call = { url: string; init: RequestInit };
function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText: status === 502 ? 'Bad Gateway' : '' });
  }) as typeof fetch;
}
const headers = (c: Call) => c.init.headers as Record<string, string>;

afterEach(() => configureApi({ fetch: undefined, onUnauthorized: undefined }));

describe('api wrapper', () => {
  it('sends JSON with same-origin credentials and parses the reply', async () => {
    const calls: Call[] = [];
    configureApi({ fetch: fakeFetch(200, { setupRequired: false, user: null }, calls) });
    await expect(api.authState()).resolves.toEqual({ setupRequired: false, user: null });
    expect(calls[0].url).toBe('/v1/auth/state');
    expect(calls[0].init.credentials).toBe('same-origin');
    expect(headers(calls[0])['idempotency-key']).toBeUndefined();
  });

  it('puts an Idempotency-Key on every POST, the caller\'s when given', async () => {
    const calls: Call[] = [];
    configureApi({ fetch: fakeFetch(201, { ok: true }, calls) });
    const Ok = z.object({ ok: z.literal(true) });
    await request('POST', '/v1/x', Ok, { body: { a: 1 } });
    await request('POST', '/v1/x', Ok, { body: { a: 1 } });
    await request('POST', '/v1/x', Ok, { body: { a: 1 }, idempotencyKey: 'fixed-key' });
    const keys = calls.map((c) => headers(c)['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe('fixed-key');
    expect(headers(calls[0])['content-type']).toBe('application/json');
    expect(calls[0].init.body).toBe('{"a":1}');
  });

  it('turns the error envelope into an ApiError with the readable message', async () => {
    configureApi({ fetch: fakeFetch(400, { error: { code: 'invalid_repo_url', message: 'Repository URLs must use https.' } }) });
    const err = await api.createRepo({ cloneUrl: 'ssh://x/y' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_repo_url', message: 'Repository URLs must use https.' });
  });

  it('explains non-JSON failures, unreachable servers and unexpected shapes', async () => {
    configureApi({ fetch: fakeFetch(502, '<html>bad gateway</html>') });
    await expect(api.listTasks()).rejects.toMatchObject({ code: 'http_502', message: 'The server answered 502 Bad Gateway.' });
    configureApi({ fetch: (async () => { throw new TypeError('fetch failed'); }) as typeof fetch });
    await expect(api.listTasks()).rejects.toMatchObject({ code: 'network' });
    configureApi({ fetch: fakeFetch(200, { tasks: [{ id: 1 }] }) });
    await expect(api.listTasks()).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('reports a 401 outside /v1/auth so the app can return to sign in', async () => {
    const seen: string[] = [];
    configureApi({ fetch: fakeFetch(401, { error: { code: 'unauthorized', message: 'Sign in first.' } }), onUnauthorized: (p) => seen.push(p) });
    await expect(api.listRepos()).rejects.toMatchObject({ status: 401, message: 'Sign in first.' });
    expect(seen).toEqual(['/v1/repos']);
  });
});
