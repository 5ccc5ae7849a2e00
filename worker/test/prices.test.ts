/** /v1/prices: anyone signed in reads the table; only the owner writes it; model ids may hold '/' and ':'. */
import { describe, expect, it } from 'vitest';
import type { ModelPrice } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, json, setupOwner } from './helpers/api.ts';
import { createMember } from './helpers/fixtures.ts';

const send = (c: Client, method: string, path: string, body?: unknown) =>
  c.fetch(path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('price table', () => {
  it('owner puts, updates, lists and deletes prices; encoded and plain slashes name the same model', async () => {
    const owner = await setupOwner();
    expect(await json(await owner.fetch('/v1/prices'), 200)).toEqual({ prices: [] });
    const model = 'meta-llama/llama-3.1-70b:free';
    const path = `/v1/prices/openai-compatible/${encodeURIComponent(model)}`;
    const put = await json<{ price: ModelPrice }>(await send(owner, 'PUT', path, { inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6 }), 200);
    expect(put.price).toMatchObject({ provider: 'openai-compatible', model, inputUsdPerMTok: 0.15, outputUsdPerMTok: 0.6 });
    // Upsert, through an unencoded slash this time.
    await json(await send(owner, 'PUT', `/v1/prices/openai-compatible/${model}`, { inputUsdPerMTok: 0.2, outputUsdPerMTok: 0 }), 200);
    await json(await send(owner, 'PUT', '/v1/prices/anthropic/claude-test', { inputUsdPerMTok: 3, outputUsdPerMTok: 15 }), 200);
    const list = await json<{ prices: ModelPrice[] }>(await owner.fetch('/v1/prices'), 200);
    expect(list.prices.map((p) => [p.provider, p.model, p.inputUsdPerMTok, p.outputUsdPerMTok])).toEqual([
      ['anthropic', 'claude-test', 3, 15],
      ['openai-compatible', model, 0.2, 0],
    ]);
    expect(await json(await send(owner, 'DELETE', path), 200)).toEqual({ ok: true });
    expect((await json<ApiErrorBody>(await send(owner, 'DELETE', path), 404)).error.code).toBe('not_found');
    expect((await json<{ prices: ModelPrice[] }>(await owner.fetch('/v1/prices'), 200)).prices).toHaveLength(1);
  });

  it('refuses bad input with 400 and non-owners with 403/401', async () => {
    const owner = await setupOwner();
    const bad = await json<ApiErrorBody>(await send(owner, 'PUT', '/v1/prices/acme/model', { inputUsdPerMTok: 1, outputUsdPerMTok: 1 }), 400);
    expect(bad.error.message).toMatch(/provider/);
    const negative = await json<ApiErrorBody>(await send(owner, 'PUT', '/v1/prices/openai/gpt', { inputUsdPerMTok: -1, outputUsdPerMTok: 1 }), 400);
    expect(negative.error.message).toMatch(/inputUsdPerMTok/);
    expect((await send(owner, 'PUT', '/v1/prices/openai/gpt', { inputUsdPerMTok: 1 })).status).toBe(400);
    expect((await send(owner, 'PUT', `/v1/prices/openai/${'m'.repeat(201)}`, { inputUsdPerMTok: 1, outputUsdPerMTok: 1 })).status).toBe(400);

    const member = await createMember('pricing-member@example.com');
    expect((await member.fetch('/v1/prices')).status).toBe(200);
    expect((await json<ApiErrorBody>(await send(member, 'PUT', '/v1/prices/openai/gpt', { inputUsdPerMTok: 1, outputUsdPerMTok: 1 }), 403)).error.code).toBe('forbidden');
    expect((await send(member, 'DELETE', '/v1/prices/anthropic/claude-test')).status).toBe(403);
    expect((await anonymous().fetch('/v1/prices')).status).toBe(401);
  });
});
