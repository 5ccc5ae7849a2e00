/**
 * The OpenAI-protocol LLM gateway: refusals in OpenAI's error format, and forwarding with the
 * real key swapped in (upstream is a stubbed global fetch: workerd tests cannot open a server).
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Run } from '../../protocol/src/index.ts';
import { signRunToken } from '../src/lib/run-token.ts';
import type { Client } from './helpers/api.ts';
import { appWith, client, json, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createProfile, createRepo, createTask, TEST_API_KEY } from './helpers/fixtures.ts';

interface OpenAiError { error: { message: string; type: string; code: string } }
const KEY = () => env.DURSOR_ENCRYPTION_KEY;
const chat = (c: Client, path = '/v1/llm/openai/chat/completions') =>
  c.post(path, { model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], stream: true });

describe('LLM gateway (openai)', () => {
  let run: Run;
  let token = '';
  beforeAll(async () => {
    const owner = await setupOwner();
    const task = await createTask(owner, (await createRepo(owner)).id);
    const profile = await createProfile(owner, { baseUrl: 'https://llm.example.com/v1' });
    run = (await json<{ runs: Run[] }>(await owner.with(appWith({ TASK_ROOM: fakeTaskRoom().TASK_ROOM }))
      .post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id }] }), 201)).runs[0];
    token = await signRunToken(KEY(), { runId: run.id, taskId: run.taskId, exp: Date.now() + 600_000 });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses a missing, forged, expired or foreign token with 401 in OpenAI format', async () => {
    const forgedSig = `${token.slice(0, -4)}AAAA`;
    const otherKey = await signRunToken(btoa('x'.repeat(32)), { runId: run.id, taskId: run.taskId, exp: Date.now() + 600_000 });
    const expired = await signRunToken(KEY(), { runId: run.id, taskId: run.taskId, exp: Date.now() - 1 });
    const wrongTask = await signRunToken(KEY(), { runId: run.id, taskId: 'other', exp: Date.now() + 600_000 });
    const unknownRun = await signRunToken(KEY(), { runId: 'nope', taskId: run.taskId, exp: Date.now() + 600_000 });
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing_api_key'],
      [{ authorization: 'Bearer sk-real-looking' }, 'invalid_api_key'],
      [{ authorization: `Bearer ${forgedSig}` }, 'invalid_api_key'],
      [{ authorization: `Bearer ${otherKey}` }, 'invalid_api_key'],
      [{ authorization: `Bearer ${expired}` }, 'invalid_api_key'],
      [{ authorization: `Bearer ${wrongTask}` }, 'invalid_api_key'],
      [{ authorization: `Bearer ${unknownRun}` }, 'invalid_api_key'],
    ];
    const upstream = vi.spyOn(globalThis, 'fetch');
    for (const [headers, code] of cases) {
      const res = await chat(client(headers).with(appWith({})));
      const body = await json<OpenAiError>(res, 401);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code });
      expect(res.headers.get('x-dursor-gateway')).toBe('1');
    }
    expect(upstream).not.toHaveBeenCalled();
  });

  it('forwards to the profile base URL with the real key and streams the answer back', async () => {
    const sse = 'data: {"choices":[{"delta":{"content":"hello"}}]}\n\ndata: [DONE]\n\n';
    const upstream = vi.spyOn(globalThis, 'fetch').mockImplementation(async () =>
      new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream', 'x-upstream-secret': 'nope' } }));
    const res = await client({ authorization: `Bearer ${token}` }).with(appWith({}))
      .post('/v1/llm/openai/chat/completions?api-version=1', { model: 'fake-model', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-upstream-secret')).toBeNull();
    expect(res.headers.get('x-dursor-gateway')).toBe('1');
    expect(await res.text()).toBe(sse);
    expect(upstream).toHaveBeenCalledTimes(1);
    const [target, init] = upstream.mock.calls[0] as [URL, RequestInit];
    expect(String(target)).toBe('https://llm.example.com/v1/chat/completions?api-version=1');
    expect(init.method).toBe('POST');
    const headers = new Headers(init.headers);
    expect(headers.get('authorization')).toBe(`Bearer ${TEST_API_KEY}`);
    expect(headers.get('content-type')).toBe('application/json');
    expect(new TextDecoder().decode(init.body as ArrayBuffer)).toBe(JSON.stringify({ model: 'fake-model', stream: true }));
  });

  it('passes upstream errors through unchanged', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () =>
      Response.json({ error: { message: 'rate limited', type: 'requests', code: 'rate_limit' } }, { status: 429, headers: { 'retry-after': '2' } }));
    const res = await chat(client({ authorization: `Bearer ${token}` }).with(appWith({})));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await json<OpenAiError>(res)).error.code).toBe('rate_limit');
  });

  it("marks a provider's non-JSON 5xx as the gateway's answer, so the runner's relay passes it on instead of retrying", async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () =>
      new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }));
    const res = await chat(client({ authorization: `Bearer ${token}` }).with(appWith({})));
    expect(res.status).toBe(502);
    expect(res.headers.get('x-dursor-gateway')).toBe('1');
    expect(await res.text()).toContain('502 Bad Gateway');
  });

  it('answers 502 naming the host when the upstream cannot be reached', async () => {
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('connect ECONNREFUSED'));
    const res = await chat(client({ authorization: `Bearer ${token}` }).with(appWith({})));
    const body = await json<OpenAiError>(res, 502);
    expect(res.headers.get('x-dursor-gateway')).toBe('1');
    expect(body.error.code).toBe('upstream_unreachable');
    expect(body.error.message).toContain('llm.example.com');
    expect(JSON.stringify(body)).not.toContain(TEST_API_KEY);
  });

  it('refuses the token once the run is finished', async () => {
    await env.DB.prepare("UPDATE runs SET status = 'succeeded' WHERE id = ?").bind(run.id).run();
    const upstream = vi.spyOn(globalThis, 'fetch');
    const body = await json<OpenAiError>(await chat(client({ authorization: `Bearer ${token}` }).with(appWith({}))), 401);
    // And through the real Worker, too.
    expect((await chat(client({ authorization: `Bearer ${token}` }))).status).toBe(401);
    expect(body.error.code).toBe('run_not_active');
    expect(upstream).not.toHaveBeenCalled();
  });

  it('refuses every token when the encryption key is not configured', async () => {
    const res = await chat(client({ authorization: `Bearer ${token}` }).with(appWith({ DURSOR_ENCRYPTION_KEY: '' })));
    expect((await json<OpenAiError>(res, 500)).error.code).toBe('server_misconfigured');
  });
});
