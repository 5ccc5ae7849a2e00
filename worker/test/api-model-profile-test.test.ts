/**
 * "Test connection" of a model profile, against a fake OpenAI started in Node (global-setup.ts)
 * that accepts one key: accepted, refused, unreachable, and Cursor (not testable from here) —
 * always a 200 with what the user needs to know, never the key.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { ModelProfileTest } from '../../protocol/src/index.ts';
import { explain } from '../src/lib/profile-test.ts';
import type { Client } from './helpers/api.ts';
import { json, setupOwner } from './helpers/api.ts';
import { createProfile } from './helpers/fixtures.ts';

const openai = inject('openai');

describe('model profile: test connection', () => {
  let owner: Client;
  beforeAll(async () => {
    owner = await setupOwner();
  });
  const test = async (body: Record<string, unknown>) => {
    const profile = await createProfile(owner, body);
    const res = await owner.post(`/v1/model-profiles/${profile.id}/test`, {});
    const text = await res.clone().text();
    if (typeof body.apiKey === 'string') expect(text).not.toContain(body.apiKey);
    return (await json<{ test: ModelProfileTest }>(res, 200)).test;
  };

  it('says whether the provider accepted the key, and why not', async () => {
    expect(await test({ provider: 'openai-compatible', baseUrl: openai.url, apiKey: openai.key }))
      .toMatchObject({ ok: true, status: 200, message: expect.stringMatching(/key was accepted/) });
    expect(await test({ provider: 'openai-compatible', baseUrl: openai.url, apiKey: 'sk-wrong-key-000000' }))
      .toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/refused the API key/) });
    expect(await test({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-anything-000000' }))
      .toMatchObject({ ok: false, status: null, message: expect.stringMatching(/could not reach http:\/\/127\.0\.0\.1:9\/v1/) });
    expect(await test({ provider: 'cursor', model: 'auto', apiKey: 'cursor-key-0000000' }))
      .toMatchObject({ ok: false, status: null, message: expect.stringMatching(/cannot test/) });
  });

  it('a 404 says what the base URL of that provider should look like', () => {
    // The common mistake with Anthropic is an OpenAI-style …/v1 base URL: the probe lands on /v1/v1/models.
    const anthropic = explain(404, 'anthropic', 'https://api.anthropic.com/v1');
    expect(anthropic).toBe('https://api.anthropic.com/v1/v1/models answered 404; the base URL should be the API root without /v1, e.g. https://api.anthropic.com (dursor adds /v1/models itself)');
    expect(anthropic).not.toMatch(/OpenAI/i);
    expect(explain(404, 'google', 'https://example.test/v1beta')).toMatch(/without \/v1beta, e\.g\. https:\/\/generativelanguage\.googleapis\.com/);
    expect(explain(404, 'openai', 'http://127.0.0.1:11434')).toMatch(/^http:\/\/127\.0\.0\.1:11434\/models answered 404; the base URL should be the API root including \/v1/);
    expect(explain(401, 'anthropic', 'https://api.anthropic.com')).toMatch(/refused the API key/);
  });

  it('is 404 for a profile that is not yours', async () => {
    expect((await owner.post('/v1/model-profiles/nope/test', {})).status).toBe(404);
  });
});
