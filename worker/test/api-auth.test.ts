import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ApiErrorBody } from './helpers/api.ts';
import { anonymous, client, json, OWNER, sessionCookie } from './helpers/api.ts';

// One file = one isolated D1: these tests run in order and build on each other.
describe('auth', () => {
  let cookie = '';

  it('reports setup required on a fresh deployment', async () => {
    const res = await anonymous().fetch('/v1/auth/state');
    expect(await json(res, 200)).toEqual({ setupRequired: true, user: null });
  });

  it('refuses anonymous calls with 401 before and after setup', async () => {
    for (const path of ['/v1/auth/me', '/v1/tasks', '/v1/repos', '/v1/model-profiles', '/v1/runners', '/v1/runs/x']) {
      const res = await anonymous().fetch(path);
      expect(res.status, path).toBe(401);
      expect((await json<ApiErrorBody>(res)).error.code).toBe('unauthorized');
    }
  });

  it('validates the setup body and names the field', async () => {
    const res = await anonymous().post('/v1/auth/setup', { email: OWNER.email, password: 'short' });
    const body = await json<ApiErrorBody>(res, 400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('password');
  });

  it('creates the owner once, with an HttpOnly SameSite=Lax session cookie', async () => {
    const res = await anonymous().post('/v1/auth/setup', OWNER);
    const body = await json<{ user: { email: string; role: string } }>(res, 201);
    expect(body.user).toMatchObject({ email: OWNER.email, role: 'owner' });
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).not.toMatch(/Secure/i); // plain http (wrangler dev) must still get the cookie
    cookie = sessionCookie(res);

    const again = await anonymous().post('/v1/auth/setup', { email: 'other@example.com', password: 'another password' });
    expect((await json<ApiErrorBody>(again, 409)).error.code).toBe('setup_done');
  });

  it('stores only hashes: no plaintext password or session value in D1', async () => {
    const user = await env.DB.prepare('SELECT * FROM users').first<Record<string, string>>();
    expect(JSON.stringify(user)).not.toContain(OWNER.password);
    const sessions = await env.DB.prepare('SELECT id FROM sessions').all<{ id: string }>();
    const value = cookie.split('=')[1];
    expect(sessions.results.length).toBeGreaterThan(0);
    for (const s of sessions.results) {
      expect(s.id).not.toBe(value);
      expect(s.id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('authenticates with the cookie', async () => {
    const me = await json<{ user: { email: string } }>(await client({ cookie }).fetch('/v1/auth/me'), 200);
    expect(me.user.email).toBe(OWNER.email);
    const state = await json<{ setupRequired: boolean; user: unknown }>(await client({ cookie }).fetch('/v1/auth/state'), 200);
    expect(state.setupRequired).toBe(false);
    expect(state.user).toMatchObject({ email: OWNER.email });
  });

  it('marks the cookie Secure over https', async () => {
    const res = await SELF.fetch('https://dursor.test/v1/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    for (const body of [{ ...OWNER, password: 'wrong password' }, { email: 'nobody@example.com', password: 'whatever1' }]) {
      const res = await anonymous().post('/v1/auth/login', body);
      expect((await json<ApiErrorBody>(res, 401)).error.code).toBe('invalid_credentials');
    }
  });

  it('logs in (email is case-insensitive) and issues bearer API tokens stored hashed', async () => {
    const login = await anonymous().post('/v1/auth/login', { ...OWNER, email: OWNER.email.toUpperCase() });
    expect(login.status).toBe(200);
    const c = client({ cookie: sessionCookie(login) });
    const created = await json<{ id: string; name: string; token: string }>(await c.post('/v1/auth/tokens', { name: 'ci' }), 201);
    expect(created.token).toMatch(/^dat_/);
    const row = await env.DB.prepare('SELECT token_hash FROM api_tokens WHERE id = ?').bind(created.id).first<{ token_hash: string }>();
    expect(row?.token_hash).not.toContain(created.token);

    const bearer = client({ authorization: `Bearer ${created.token}` });
    expect((await json<{ user: { email: string } }>(await bearer.fetch('/v1/auth/me'), 200)).user.email).toBe(OWNER.email);
    expect((await bearer.fetch('/v1/repos')).status).toBe(200);

    const forged = client({ authorization: `Bearer ${created.token}x` });
    expect((await json<ApiErrorBody>(await forged.fetch('/v1/auth/me'), 401)).error.code).toBe('unauthorized');
  });

  it('refuses a runner credential on user routes with 403', async () => {
    const owner = client({ cookie });
    const reg = await json<{ registrationToken: { token: string } }>(
      await owner.post('/v1/runners/registration-tokens', {}), 201);
    const runner = await json<{ credential: string }>(
      await anonymous().post('/v1/runners/register', { registrationToken: reg.registrationToken.token, name: 'r1' }), 201);
    const asRunner = client({ authorization: `Bearer ${runner.credential}` });
    for (const path of ['/v1/auth/me', '/v1/tasks', '/v1/runners', '/v1/model-profiles']) {
      const res = await asRunner.fetch(path);
      expect(res.status, path).toBe(403);
      expect((await json<ApiErrorBody>(res)).error.code).toBe('forbidden');
    }
    expect((await asRunner.post('/v1/repos', { cloneUrl: 'https://example.com/a.git' })).status).toBe(403);
  });

  it('logs out: the cookie stops working and is cleared', async () => {
    const res = await client({ cookie }).post('/v1/auth/logout', {});
    expect(await json(res, 200)).toEqual({ ok: true });
    expect(res.headers.get('set-cookie')).toMatch(/dursor_session=;/);
    const after = await client({ cookie }).fetch('/v1/auth/me');
    expect(after.status).toBe(401);
  });
});
