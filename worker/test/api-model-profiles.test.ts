import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelProfile } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { appWith, json, setupOwner } from './helpers/api.ts';
import { createMember, TEST_API_KEY } from './helpers/fixtures.ts';
import { decryptSecret } from '../src/lib/secret-box.ts';

describe('model profiles', () => {
  let owner: Client;
  const bodies: string[] = [];
  /** Every response body read in this file, so the last test can check none held the key. */
  const read = async (res: Response) => {
    const text = await res.clone().text();
    bodies.push(text);
    return res;
  };

  beforeAll(async () => {
    owner = await setupOwner();
  });

  it('creates an openai profile with the default base URL and only a key hint', async () => {
    const res = await read(await owner.post('/v1/model-profiles', { provider: 'openai', model: 'gpt-5-mini', apiKey: TEST_API_KEY }));
    const { modelProfile } = await json<{ modelProfile: ModelProfile }>(res, 201);
    expect(modelProfile).toMatchObject({
      provider: 'openai', model: 'gpt-5-mini', displayName: 'gpt-5-mini', baseUrl: 'https://api.openai.com/v1', keyHint: 'zyxw',
    });
  });

  it('requires baseUrl for openai-compatible and applies the URL rules to it', async () => {
    const missing = await read(await owner.post('/v1/model-profiles', { provider: 'openai-compatible', model: 'm', apiKey: TEST_API_KEY }));
    expect((await json<ApiErrorBody>(missing, 400)).error.message).toMatch(/baseUrl/);
    const ssh = await read(await owner.post('/v1/model-profiles', {
      provider: 'openai-compatible', model: 'm', apiKey: TEST_API_KEY, baseUrl: 'file:///etc/passwd',
    }));
    expect((await json<ApiErrorBody>(ssh, 400)).error.message).toMatch(/baseUrl: scheme file/);
    const strict = owner.with(appWith({ DURSOR_ALLOW_PRIVATE_URLS: 'false' }));
    const local = await read(await strict.post('/v1/model-profiles', {
      provider: 'openai-compatible', model: 'm', apiKey: TEST_API_KEY, baseUrl: 'https://127.0.0.1:11434/v1',
    }));
    expect((await json<ApiErrorBody>(local, 400)).error.message).toMatch(/local or private/);
    const ok = await read(await owner.post('/v1/model-profiles', {
      provider: 'openai-compatible', model: 'llama', apiKey: TEST_API_KEY, baseUrl: 'http://127.0.0.1:11434/v1/', displayName: 'Local',
    }));
    expect((await json<{ modelProfile: ModelProfile }>(ok, 201)).modelProfile.baseUrl).toBe('http://127.0.0.1:11434/v1');
  });

  it('rejects wrong types naming the field', async () => {
    const res = await read(await owner.post('/v1/model-profiles', { provider: 'acme', model: 7, apiKey: TEST_API_KEY }));
    const body = await json<ApiErrorBody>(res, 400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/provider/);
    expect(body.error.message).toMatch(/model/);
  });

  it('lists, updates and deletes, scoped to the user', async () => {
    const list = await json<{ modelProfiles: ModelProfile[] }>(await read(await owner.fetch('/v1/model-profiles')), 200);
    expect(list.modelProfiles).toHaveLength(2);
    const target = list.modelProfiles.find((p) => p.provider === 'openai')!;

    const member = await createMember('member@example.com');
    expect((await json<{ modelProfiles: unknown[] }>(await member.fetch('/v1/model-profiles'), 200)).modelProfiles).toEqual([]);
    expect((await member.fetch(`/v1/model-profiles/${target.id}`, { method: 'DELETE' })).status).toBe(404);

    const newKey = 'sk-rotated-key-000000000-abcd';
    const patched = await read(await owner.fetch(`/v1/model-profiles/${target.id}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5', apiKey: newKey }),
    }));
    const { modelProfile } = await json<{ modelProfile: ModelProfile }>(patched, 200);
    expect(modelProfile).toMatchObject({ model: 'gpt-5', keyHint: 'abcd', baseUrl: 'https://api.openai.com/v1' });
    const row = await env.DB.prepare('SELECT api_key_enc FROM model_profiles WHERE id = ?').bind(target.id).first<{ api_key_enc: string }>();
    expect(await decryptSecret(env.DURSOR_ENCRYPTION_KEY, row!.api_key_enc)).toBe(newKey);
    bodies.push(JSON.stringify(row)); // ciphertext must not contain the key either

    const toCompatible = await read(await owner.fetch(`/v1/model-profiles/${target.id}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'openai-compatible' }),
    }));
    expect((await json<ApiErrorBody>(toCompatible, 400)).error.message).toMatch(/baseUrl: required/);

    expect(await json(await owner.fetch(`/v1/model-profiles/${target.id}`, { method: 'DELETE' }), 200)).toEqual({ ok: true });
    expect((await owner.fetch(`/v1/model-profiles/${target.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await owner.fetch('/v1/model-profiles/nope', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
  });

  it('never returns or stores the plaintext key', async () => {
    const rows = await env.DB.prepare('SELECT * FROM model_profiles').all();
    const dump = JSON.stringify(rows.results);
    expect(rows.results.length).toBeGreaterThan(0);
    expect(dump).not.toContain(TEST_API_KEY);
    expect(dump).not.toContain('sk-rotated');
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) {
      expect(body).not.toContain(TEST_API_KEY);
      expect(body).not.toContain('sk-rotated');
      expect(body).not.toContain('apiKey');
    }
  });
});
