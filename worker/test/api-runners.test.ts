import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegistrationToken, Runner } from '../../protocol/src/index.ts';
import { HEADER_POOL, HEADER_RUNNER_ID, HEADER_RUNNER_NAME } from '../src/lib/internal-headers.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, appWith, client, json, setupOwner } from './helpers/api.ts';
import { fakeRunnerPool } from './helpers/fake-durables.ts';
import { createMember } from './helpers/fixtures.ts';

describe('runners', () => {
  let owner: Client;
  let regToken = '';
  let runnerId = '';
  let credential = '';
  beforeAll(async () => {
    owner = await setupOwner();
  });

  it('the owner creates registration tokens (shown once, stored hashed); members may not', async () => {
    const res = await owner.post('/v1/runners/registration-tokens', { pool: 'gpu', expiresInHours: 2 });
    const { registrationToken } = await json<{ registrationToken: RegistrationToken }>(res, 201);
    expect(registrationToken.token).toMatch(/^drr_/);
    expect(registrationToken.pool).toBe('gpu');
    expect(registrationToken.expiresAt - registrationToken.createdAt).toBe(2 * 3600 * 1000);
    regToken = registrationToken.token!;
    const list = await json<{ registrationTokens: RegistrationToken[] }>(await owner.fetch('/v1/runners/registration-tokens'), 200);
    expect(list.registrationTokens.map((t) => t.id)).toEqual([registrationToken.id]);
    expect(JSON.stringify(list)).not.toContain(regToken);
    const row = await env.DB.prepare('SELECT token_hash FROM registration_tokens').first<{ token_hash: string }>();
    expect(row!.token_hash).not.toContain(regToken);

    const member = await createMember('member@example.com');
    expect((await json<ApiErrorBody>(await member.post('/v1/runners/registration-tokens', {}), 403)).error.code).toBe('forbidden');
    expect((await member.fetch('/v1/runners/registration-tokens')).status).toBe(403);
    expect((await owner.post('/v1/runners/registration-tokens', { pool: 'Bad Pool!' })).status).toBe(400);
  });

  it('registers runners with a valid token (more than once until it expires)', async () => {
    const res = await anonymous().post('/v1/runners/register', { registrationToken: regToken, name: 'box-1', labels: ['linux'] });
    const body = await json<{ runnerId: string; credential: string; pool: string }>(res, 201);
    expect(body.pool).toBe('gpu');
    expect(body.credential).toMatch(/^drc_/);
    runnerId = body.runnerId;
    credential = body.credential;
    const row = await env.DB.prepare('SELECT * FROM runners WHERE id = ?').bind(runnerId).first<Record<string, unknown>>();
    expect(row).toMatchObject({ name: 'box-1', pool: 'gpu', labels: '["linux"]' });
    expect(JSON.stringify(row)).not.toContain(credential);

    const second = await anonymous().post('/v1/runners/register', { registrationToken: regToken, name: 'box-2' });
    expect(second.status).toBe(201);
  });

  it('refuses unknown and expired registration tokens', async () => {
    const bad = await anonymous().post('/v1/runners/register', { registrationToken: 'drr_nope', name: 'x' });
    expect((await json<ApiErrorBody>(bad, 401)).error.code).toBe('invalid_registration_token');
    const created = await json<{ registrationToken: RegistrationToken }>(await owner.post('/v1/runners/registration-tokens', {}), 201);
    await env.DB.prepare('UPDATE registration_tokens SET expires_at = ? WHERE id = ?').bind(Date.now() - 1, created.registrationToken.id).run();
    const expired = await anonymous().post('/v1/runners/register', { registrationToken: created.registrationToken.token, name: 'x' });
    expect((await json<ApiErrorBody>(expired, 401)).error.code).toBe('invalid_registration_token');
  });

  it('accepts the bootstrap token for the default pool only when configured', async () => {
    const bootstrap = 'drr_bootstrap_token_for_tests_0123';
    const withVar = anonymous(appWith({ DURSOR_RUNNER_BOOTSTRAP_TOKEN: bootstrap }));
    const ok = await json<{ runnerId: string; pool: string }>(
      await withVar.post('/v1/runners/register', { registrationToken: bootstrap, name: 'local' }), 201);
    expect(ok.pool).toBe('default');
    expect((await withVar.post('/v1/runners/register', { registrationToken: `${bootstrap}x`, name: 'x' })).status).toBe(401);
    expect((await anonymous().post('/v1/runners/register', { registrationToken: bootstrap, name: 'x' })).status).toBe(401);
    const short = anonymous(appWith({ DURSOR_RUNNER_BOOTSTRAP_TOKEN: 'short' }));
    expect((await short.post('/v1/runners/register', { registrationToken: 'short', name: 'x' })).status).toBe(401);
    await env.DB.prepare('DELETE FROM runners WHERE id = ?').bind(ok.runnerId).run();
  });

  it('lists runners merged with the live pool view', async () => {
    const pool = fakeRunnerPool({
      live: [{ runnerId, name: 'box-1', slots: 4, executors: ['patch-agent'], labels: ['linux'], protocolVersion: 1, activeRuns: ['r1'], connectedAt: 1 }],
    });
    const { runners } = await json<{ runners: Runner[] }>(await owner.with(appWith({ RUNNER_POOL: pool.RUNNER_POOL })).fetch('/v1/runners'), 200);
    expect(runners).toHaveLength(2);
    const live = runners.find((r) => r.id === runnerId)!;
    expect(live).toMatchObject({ online: true, pool: 'gpu', slots: 4, executors: ['patch-agent'], activeRuns: ['r1'], protocolVersion: 1 });
    expect(runners.find((r) => r.id !== runnerId)).toMatchObject({ online: false, slots: null, activeRuns: [] });
    expect(pool.calls.names).toEqual(['gpu']);

    const down = fakeRunnerPool({ fail: true });
    const fallback = await json<{ runners: Runner[] }>(await owner.with(appWith({ RUNNER_POOL: down.RUNNER_POOL })).fetch('/v1/runners'), 200);
    expect(fallback.runners.map((r) => r.online)).toEqual([false, false]);
    // And through the real Worker and its RunnerPool.
    const real = await json<{ runners: Runner[] }>(await owner.fetch('/v1/runners'), 200);
    expect(real.runners.map((r) => r.id).sort()).toEqual(fallback.runners.map((r) => r.id).sort());
  });

  it('the pool socket needs a runner credential and an upgrade, and forwards identity headers', async () => {
    expect((await anonymous().fetch('/v1/runners/connect')).status).toBe(401);
    expect((await client({ authorization: 'Bearer drc_unknown' }).fetch('/v1/runners/connect')).status).toBe(401);
    const userToken = await json<{ token: string }>(await owner.post('/v1/auth/tokens', { name: 't' }), 201);
    expect((await client({ authorization: `Bearer ${userToken.token}` }).fetch('/v1/runners/connect', { headers: { upgrade: 'websocket' } })).status).toBe(401);
    const asRunner = client({ authorization: `Bearer ${credential}` });
    expect((await json<ApiErrorBody>(await asRunner.fetch('/v1/runners/connect'), 426)).error.code).toBe('upgrade_required');

    const pool = fakeRunnerPool();
    const res = await asRunner.with(appWith({ RUNNER_POOL: pool.RUNNER_POOL }))
      .fetch('/v1/runners/connect', { headers: { upgrade: 'websocket', [HEADER_RUNNER_ID]: 'spoofed' } });
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close();
    expect(pool.calls.names).toEqual(['gpu']);
    const fwd = pool.calls.fetch[0];
    expect(fwd.url).toBe('https://runner-pool/connect');
    expect(fwd.headers.get('upgrade')).toBe('websocket');
    expect(fwd.headers.get(HEADER_RUNNER_ID)).toBe(runnerId);
    expect(fwd.headers.get(HEADER_RUNNER_NAME)).toBe('box-1');
    expect(fwd.headers.get(HEADER_POOL)).toBe('gpu');
    expect(fwd.headers.get('authorization')).toBeNull();
    const seen = await env.DB.prepare('SELECT last_seen_at FROM runners WHERE id = ?').bind(runnerId).first<{ last_seen_at: number }>();
    expect(seen!.last_seen_at).toBeGreaterThan(0);
  });
});
