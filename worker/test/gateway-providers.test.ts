/**
 * The LLM gateway per provider (docs/architecture.md §3, issue 3): the run token arrives the way each SDK/CLI
 * sends its key, the upstream sees only the real key in its own header style, the answer streams
 * through byte-identical and unbuffered, and the provider's usage fields are recorded exactly and
 * priced with the price table.
 */
import { env, SELF } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ModelProfile, Task } from '../../protocol/src/index.ts';
import type { Client } from './helpers/api.ts';
import { client, json, setupOwner } from './helpers/api.ts';
import { createRepo, createTask, TEST_API_KEY } from './helpers/fixtures.ts';
import {
  controlledStream, d1Calls, d1Usage, gatewayTransport, profiles, runOn, sse, upstream, wire,
} from './gateway-fixtures.ts';

const put = (owner: Client, provider: string, model: string, inUsd: number, outUsd: number) =>
  owner.fetch(`/v1/prices/${provider}/${encodeURIComponent(model)}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputUsdPerMTok: inUsd, outputUsdPerMTok: outUsd }),
  });

describe('LLM gateway per provider', () => {
  let owner: Client;
  let task: Task;
  let openai: ModelProfile;
  let anthropic: ModelProfile;
  let google: ModelProfile;
  beforeAll(async () => {
    owner = await setupOwner();
    task = await createTask(owner, (await createRepo(owner)).id);
    [openai, anthropic, google] = [await profiles.openai(owner), await profiles.anthropic(owner), await profiles.google(owner)];
    expect((await put(owner, 'openai-compatible', 'fake-model', 0.15, 0.6)).status).toBe(200);
    expect((await put(owner, 'anthropic', 'claude-test', 3, 15)).status).toBe(200);
    expect((await put(owner, 'google', 'gemini-test', 1.25, 10)).status).toBe(200);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('openai chat: streams chunk by chunk, byte-identical, and records the final usage chunk', async () => {
    const { run, token } = await runOn(owner, task, openai);
    const chunks = wire.openaiChat('Hello', { prompt_tokens: 1234, completion_tokens: 56 });
    const up = controlledStream();
    const calls = upstream(() => sse(up.stream));
    const gw = gatewayTransport();
    up.push(chunks[0]);
    const res = await client({ authorization: `Bearer ${token}` }, gw.via)
      .post('/v1/llm/openai/chat/completions', { model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: [] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    // The first chunk reaches the client while the upstream is still open: nothing is buffered.
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let got = dec.decode((await reader.read()).value, { stream: true });
    expect(got).toBe(chunks[0]);
    for (const c of chunks.slice(1)) up.push(c);
    up.close();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += dec.decode(value, { stream: true });
    }
    expect(got).toBe(chunks.join(''));
    await gw.settle();

    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('https://openai.example.test/v1/chat/completions');
    expect(calls[0].headers.get('authorization')).toBe(`Bearer ${TEST_API_KEY}`);
    expect(JSON.stringify([...calls[0].headers])).not.toContain(token);
    // 1234 × 150 000 + 56 × 600 000 µ$/MTok = 218.7 µ$ → rounded up to 219.
    expect(await d1Usage('runs', run.id)).toEqual({ input_tokens: 1234, output_tokens: 56, cost_micros: 219 });
    const [row] = await d1Calls(run.id);
    expect(row).toMatchObject({ provider: 'openai-compatible', model: 'fake-model', status: 200, input_tokens: 1234, output_tokens: 56, cost_micros: 219 });
  });

  it('openai responses (SSE and JSON) and chat JSON: usage from response.completed / usage', async () => {
    const { run, token } = await runOn(owner, task, openai);
    const bodies = [
      sse(wire.responses('hi', { input_tokens: 321, output_tokens: 45 }).join('')),
      Response.json({ id: 'resp_2', object: 'response', output: [], usage: { input_tokens: 1000, output_tokens: 10, total_tokens: 1010 } }),
      Response.json({ id: 'c2', object: 'chat.completion', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }),
    ];
    const calls = upstream(() => bodies.shift()!);
    const gw = gatewayTransport();
    const c = client({ authorization: `Bearer ${token}` }, gw.via);
    const streamed = await c.post('/v1/llm/openai/responses', { model: 'fake-model', stream: true, input: 'hi' }, { 'openai-beta': 'responses=experimental' });
    expect(await streamed.text()).toBe(wire.responses('hi', { input_tokens: 321, output_tokens: 45 }).join(''));
    await (await c.post('/v1/llm/openai/responses', { model: 'other-model', input: 'hi' })).text();
    await (await c.post('/v1/llm/openai/chat/completions', { model: 'fake-model', messages: [] })).text();
    await gw.settle();
    expect(calls.map((x) => x.url)).toEqual([
      'https://openai.example.test/v1/responses', 'https://openai.example.test/v1/responses', 'https://openai.example.test/v1/chat/completions',
    ]);
    expect(calls[0].headers.get('openai-beta')).toBe('responses=experimental');
    const rows = await d1Calls(run.id);
    expect(rows.map((r) => [r.model, r.input_tokens, r.output_tokens, r.cost_micros])).toEqual([
      ['fake-model', 321, 45, 76], // 48.15 + 27 = 75.15 → 76
      ['other-model', 1000, 10, 0], // no price row: free
      ['fake-model', 7, 3, 3], // 1.05 + 1.8 = 2.85 → 3
    ]);
    expect(await d1Usage('runs', run.id)).toEqual({ input_tokens: 1328, output_tokens: 58, cost_micros: 79 });
  });

  it('anthropic: x-api-key or Bearer token, upstream x-api-key with version/beta headers, query kept, usage from message_start + last message_delta', async () => {
    const { run, token } = await runOn(owner, task, anthropic);
    const chunks = wire.anthropic('Hello', { input_tokens: 2095, output_tokens: 503 });
    const calls = upstream(() => sse(chunks.join('')));
    const gw = gatewayTransport();
    const headers = { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14' };
    const body = { model: 'claude-test', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const viaKey = await client({ 'x-api-key': token, ...headers }, gw.via).post('/v1/llm/anthropic/v1/messages?beta=true', body);
    expect(viaKey.status).toBe(200);
    expect(await viaKey.text()).toBe(chunks.join(''));
    const viaBearer = await client({ authorization: `Bearer ${token}`, ...headers }, gw.via).post('/v1/llm/anthropic/v1/messages?beta=true', body);
    expect(await viaBearer.text()).toBe(chunks.join(''));
    await gw.settle();
    for (const call of calls) {
      expect(call.url).toBe('https://anthropic.example.test/v1/messages?beta=true');
      expect(call.headers.get('x-api-key')).toBe(TEST_API_KEY);
      expect(call.headers.get('authorization')).toBeNull();
      expect(call.headers.get('anthropic-version')).toBe('2023-06-01');
      expect(call.headers.get('anthropic-beta')).toBe('interleaved-thinking-2025-05-14');
      expect(call.body).toBe(JSON.stringify(body));
    }
    // 2095 × 3 + 503 × 15 = 13 830 µ$ per call.
    expect(await d1Usage('runs', run.id)).toEqual({ input_tokens: 4190, output_tokens: 1006, cost_micros: 27_660 });

    upstream(() => Response.json({ id: 'msg_2', type: 'message', content: [], usage: { input_tokens: 11, output_tokens: 4 } }));
    await (await client({ 'x-api-key': token }, gw.via).post('/v1/llm/anthropic/v1/messages', { ...body, stream: false })).text();
    await gw.settle();
    expect((await d1Calls(run.id)).at(-1)).toMatchObject({ input_tokens: 11, output_tokens: 4, cost_micros: 93 });
  });

  it("anthropic: Claude Code's HEAD probe of the base URL gets 200 without a token; other paths need one", async () => {
    const calls = upstream(() => new Response('unexpected'));
    for (const path of ['/v1/llm/anthropic', '/v1/llm/anthropic/']) {
      const res = await SELF.fetch(`http://dursor.test${path}`, { method: 'HEAD' });
      expect(res.status, path).toBe(200);
    }
    const res = await SELF.fetch('http://dursor.test/v1/llm/anthropic/v1/messages', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(calls).toHaveLength(0);
  });

  it('google: x-goog-api-key or ?key= token, key stripped from the query, model from the path, last usageMetadata wins', async () => {
    const { run, token } = await runOn(owner, task, google);
    const chunks = wire.gemini('Hi', { promptTokenCount: 812, candidatesTokenCount: 97 });
    const calls = upstream(() => sse(chunks.join('')));
    const gw = gatewayTransport();
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    const a = await client({ 'x-goog-api-key': token }, gw.via).post('/v1/llm/google/v1beta/models/gemini-test:streamGenerateContent?alt=sse', body);
    expect(await a.text()).toBe(chunks.join(''));
    const b = await client({}, gw.via).post(`/v1/llm/google/v1beta/models/gemini-test:streamGenerateContent?alt=sse&key=${encodeURIComponent(token)}`, body);
    expect(await b.text()).toBe(chunks.join(''));
    await gw.settle();
    for (const call of calls) {
      expect(call.url).toBe('https://gemini.example.test/v1beta/models/gemini-test:streamGenerateContent?alt=sse');
      expect(call.headers.get('x-goog-api-key')).toBe(TEST_API_KEY);
      expect(call.url + JSON.stringify([...call.headers])).not.toContain(token);
    }
    // 812 × 1.25 + 97 × 10 = 1985 µ$ per call.
    expect(await d1Usage('runs', run.id)).toEqual({ input_tokens: 1624, output_tokens: 194, cost_micros: 3970 });

    // Non-streamed generateContent and the JSON-array form of a stream without alt=sse; countTokens is not usage.
    const answers = [
      Response.json({ candidates: [], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 } }),
      Response.json([{ candidates: [], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 1 } }, { candidates: [], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 6 } }]),
      Response.json({ totalTokens: 42 }),
    ];
    upstream(() => answers.shift()!);
    const c = client({ 'x-goog-api-key': token }, gw.via);
    for (const method of ['generateContent', 'streamGenerateContent', 'countTokens']) {
      await (await c.post(`/v1/llm/google/v1beta/models/gemini-test:${method}`, body)).text();
    }
    await gw.settle();
    expect((await d1Calls(run.id)).slice(-3).map((r) => [r.input_tokens, r.output_tokens])).toEqual([[5, 2], [9, 6], [0, 0]]);
  });

  it('task usage sums its runs and shows in the API; no key or token in any response', async () => {
    const t = await json<{ task: Task; runs: { id: string; usage: unknown }[] }>(await owner.fetch(`/v1/tasks/${task.id}`), 200);
    const rows = await env.DB.prepare('SELECT SUM(input_tokens) AS i, SUM(output_tokens) AS o, SUM(cost_micros) AS c FROM runs WHERE task_id = ?')
      .bind(task.id).first<{ i: number; o: number; c: number }>();
    expect(t.task.usage).toEqual({ inputTokens: rows!.i, outputTokens: rows!.o, costUsd: rows!.c / 1e6 });
    expect(rows!.i).toBeGreaterThan(0);
    expect(JSON.stringify(t)).not.toContain(TEST_API_KEY);
  });

  it('refuses expired, forged and cross-provider tokens in each provider format; upstream never called', async () => {
    const { run, token } = await runOn(owner, task, openai);
    const anthropicRun = await runOn(owner, task, anthropic);
    const { tokenFor } = await import('./gateway-fixtures.ts');
    const expired = await tokenFor(run, -1);
    const calls = upstream(() => new Response('unexpected'));
    const gw = gatewayTransport();
    const o = await client({ authorization: `Bearer ${expired}` }, gw.via).post('/v1/llm/openai/chat/completions', {});
    expect(await json(o, 401)).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    const a = await client({ 'x-api-key': `${token.slice(0, -3)}AAA` }, gw.via).post('/v1/llm/anthropic/v1/messages', {});
    expect(await json(a, 401)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const g = await client({ 'x-goog-api-key': 'drt_nope.nope' }, gw.via).post('/v1/llm/google/v1beta/models/x:generateContent', {});
    expect(await json(g, 401)).toEqual({ error: { code: 401, message: expect.any(String), status: 'UNAUTHENTICATED' } });

    // An openai run's token on the anthropic and google routes, an anthropic run's on the openai route.
    const x1 = await client({ 'x-api-key': token }, gw.via).post('/v1/llm/anthropic/v1/messages', {});
    expect(await json(x1, 403)).toMatchObject({ type: 'error', error: { type: 'permission_error', message: expect.stringMatching(/anthropic gateway/) } });
    const x2 = await client({ 'x-goog-api-key': token }, gw.via).post('/v1/llm/google/v1beta/models/x:generateContent', {});
    expect(await json(x2, 403)).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    const x3 = await client({ authorization: `Bearer ${anthropicRun.token}` }, gw.via).post('/v1/llm/openai/chat/completions', {});
    expect(await json(x3, 403)).toMatchObject({ error: { code: 'provider_mismatch', type: 'invalid_request_error' } });
    expect(x3.headers.get('x-should-retry')).toBe('false');
    await gw.settle();
    expect(calls).toHaveLength(0);
    expect(await d1Calls(run.id)).toEqual([]);
  });
});
