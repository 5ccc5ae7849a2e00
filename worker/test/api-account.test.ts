/**
 * The account: API tokens listed without their secret and revoked at once; a password change
 * needs the current password and a browser session, and signs every other session out.
 */
import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../protocol/src/index.ts';
import type { ApiErrorBody } from './helpers/api.ts';
import { anonymous, client, json, OWNER, sessionCookie, setupOwner } from './helpers/api.ts';

describe('account', () => {
  it('lists API tokens without the secret, and a revoked token stops working at once', async () => {
    const owner = await setupOwner();
    const created = await json<{ id: string; token: string }>(await owner.post('/v1/auth/tokens', { name: 'ci script' }), 201);
    const script = client({ authorization: `Bearer ${created.token}` });
    expect((await script.fetch('/v1/auth/me')).status).toBe(200);
    const listRes = await owner.fetch('/v1/auth/tokens');
    expect(await listRes.clone().text()).not.toContain(created.token);
    const { tokens } = await json<{ tokens: ApiToken[] }>(listRes, 200);
    expect(tokens.find((t) => t.id === created.id)).toMatchObject({ name: 'ci script', lastUsedAt: expect.any(Number) });
    expect(await json(await owner.fetch(`/v1/auth/tokens/${created.id}`, { method: 'DELETE' }), 200)).toEqual({ ok: true });
    expect((await script.fetch('/v1/auth/me')).status).toBe(401);
    expect((await owner.fetch(`/v1/auth/tokens/${created.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('changes the password only with the current one, from a session, and ends the other sessions', async () => {
    const owner = await setupOwner();
    const other = client({ cookie: sessionCookie(await anonymous().post('/v1/auth/login', OWNER)) });
    const wrong = await json<ApiErrorBody>(await owner.post('/v1/auth/password', { currentPassword: 'nope', newPassword: 'a brand new passphrase' }), 400);
    expect(wrong.error.message).toMatch(/currentPassword/);
    expect((await json<ApiErrorBody>(await owner.post('/v1/auth/password', { currentPassword: OWNER.password, newPassword: 'short' }), 400)).error.message)
      .toMatch(/at least 8/);
    const { token } = await json<{ token: string }>(await owner.post('/v1/auth/tokens', { name: 'x' }), 201);
    expect((await client({ authorization: `Bearer ${token}` }).post('/v1/auth/password', { currentPassword: OWNER.password, newPassword: 'a brand new passphrase' })).status).toBe(403);

    const res = await owner.post('/v1/auth/password', { currentPassword: OWNER.password, newPassword: 'a brand new passphrase' });
    expect(await json(res.clone(), 200)).toEqual({ ok: true });
    const fresh = client({ cookie: sessionCookie(res) });
    expect((await fresh.fetch('/v1/auth/me')).status).toBe(200);
    expect((await other.fetch('/v1/auth/me')).status).toBe(401);
    expect((await anonymous().post('/v1/auth/login', OWNER)).status).toBe(401);
    expect((await anonymous().post('/v1/auth/login', { ...OWNER, password: 'a brand new passphrase' })).status).toBe(200);
  });
});
