import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { PROTOCOL_VERSION } from '../../protocol/src/index.ts';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, startFakeWorker, type FakeProvider, type FakeWorker } from '../src/index.ts';

const KEY = 'sk-upstream-secret';

describe('fake worker LLM gateway: openai, anthropic, google routes', () => {
  let openai: FakeProvider;
  let anthropic: FakeProvider;
  let google: FakeProvider;
  let worker: FakeWorker;
  let pool: WebSocket;
  beforeAll(async () => {
    const turns = [{ text: 'hello back', usage: { prompt_tokens: 5, completion_tokens: 2 } }];
    [openai, anthropic, google] = await Promise.all([
      startFakeOpenAI({ apiKey: KEY, scenarios: [{ match: 'hi', turns }] }),
      startFakeAnthropic({ apiKey: KEY, strict: true, scenarios: [{ match: 'hi', turns }] }),
      startFakeGemini({ apiKey: KEY, strict: true, scenarios: [{ match: 'hi', turns }] }),
    ]);
    worker = await startFakeWorker({ upstreams: { openai: openai.url, anthropic: anthropic.url, google: google.url }, upstreamKey: KEY });
    const reg = await fetch(`${worker.url}/v1/runners/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ registrationToken: worker.registrationToken, name: 'r1' }) });
    const { credential } = (await reg.json()) as { credential: string };
    pool = new WebSocket(`${worker.url.replace('http', 'ws')}/v1/runners/connect`, { headers: { authorization: `Bearer ${credential}` } });
    await new Promise((r) => pool.once('open', r));
    const welcome = new Promise((r) => pool.once('message', r));
    pool.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'r1', executors: ['patch-agent', 'claude-code', 'gemini-cli'], slots: 4 }));
    await welcome;
  });
  afterAll(async () => {
    pool.close();
    await worker.close();
    await Promise.all([openai.close(), anthropic.close(), google.close()]);
  });

  const noToken = (p: FakeProvider, token: string) => {
    for (const r of p.requests) expect(JSON.stringify([r.headers, r.query])).not.toContain(token);
  };

  it('assign builds executor specs from a partial and carries history', async () => {
    const cc = worker.assign({ cloneUrl: 'http://127.0.0.1:1/x.git', instruction: 'hi', executor: { id: 'claude-code', resumeSession: 's-1' }, model: 'claude-x', history: [{ role: 'user', content: 'before' }, { role: 'assistant', content: 'ok' }] });
    expect(cc.executor).toEqual({ id: 'claude-code', provider: 'anthropic', model: 'claude-x', gatewayPath: '/v1/llm/anthropic', resumeSession: 's-1' });
    expect(cc.history).toHaveLength(2);
    const g = worker.assign({ cloneUrl: 'http://127.0.0.1:1/x.git', instruction: 'hi', executor: { provider: 'google' } });
    expect(g.executor).toEqual({ id: 'patch-agent', provider: 'google', model: 'fake-model', gatewayPath: '/v1/llm/google' });
    const r = worker.assign({ cloneUrl: 'http://127.0.0.1:1/x.git', instruction: 'hi', executor: { provider: 'openai', wireApi: 'responses' } });
    expect(r.executor).toMatchObject({ provider: 'openai', gatewayPath: '/v1/llm/openai', wireApi: 'responses' });
    expect(worker.assign({ cloneUrl: 'x', instruction: 'hi', executor: { id: 'cursor-agent' } }).executor).toEqual({ id: 'cursor-agent', provider: 'cursor', model: 'fake-model' });
  });

  it('swaps the run token for the upstream key in each provider\'s own header', async () => {
    const a = worker.assign({ cloneUrl: 'x', instruction: 'hi' });
    const oa = new OpenAI({ baseURL: `${worker.url}/v1/llm/openai`, apiKey: a.runToken, maxRetries: 0 });
    expect((await oa.responses.create({ model: 'm', input: 'hi' })).output_text).toBe('hello back');
    expect(openai.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);

    const an = new Anthropic({ baseURL: `${worker.url}/v1/llm/anthropic`, apiKey: a.runToken, maxRetries: 0 });
    const msg = await an.messages.stream({ model: 'm', max_tokens: 9, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(msg.content[0]).toMatchObject({ text: 'hello back' });
    expect(msg.usage).toMatchObject({ input_tokens: 5, output_tokens: 2 });
    expect(anthropic.requests.at(-1)?.headers['x-api-key']).toBe(KEY);
    expect(anthropic.requests.at(-1)?.headers.authorization).toBeUndefined();
    // Claude Code's style: x-api-key, ?beta=true, and a HEAD probe of the base URL.
    expect((await fetch(`${worker.url}/v1/llm/anthropic`, { method: 'HEAD' })).status).toBe(200);
    const raw = await fetch(`${worker.url}/v1/llm/anthropic/v1/messages?beta=true`, { method: 'POST', headers: { 'x-api-key': a.runToken, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 9, stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    expect(await raw.text()).toContain('event: message_stop');
    expect(anthropic.requests.at(-1)).toMatchObject({ query: { beta: 'true' }, headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } });

    const ai = new GoogleGenAI({ apiKey: a.runToken, httpOptions: { baseUrl: `${worker.url}/v1/llm/google` } });
    let text = '';
    for await (const c of await ai.models.generateContentStream({ model: 'g', contents: 'hi' })) text += c.text ?? '';
    expect(text).toBe('hello back');
    expect(google.requests.at(-1)?.headers['x-goog-api-key']).toBe(KEY);
    const byQuery = await fetch(`${worker.url}/v1/llm/google/v1beta/models/g:generateContent?key=${a.runToken}`, { method: 'POST', body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }) });
    expect(byQuery.status).toBe(200);
    expect(google.requests.at(-1)?.query).toEqual({});

    for (const p of [openai, anthropic, google]) noToken(p, a.runToken);
    expect(worker.llmRequests.filter((r) => r.runId === a.runId).map((r) => `${r.provider} ${r.status}`)).toEqual([
      'openai 200', 'anthropic 200', 'anthropic 200', 'google 200', 'google 200',
    ]);
  });

  it('refuses unknown tokens in the provider\'s own error format', async () => {
    await expect(new OpenAI({ baseURL: `${worker.url}/v1/llm/openai`, apiKey: 'drt_bad', maxRetries: 0 }).responses.create({ model: 'm', input: 'hi' }))
      .rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const an = await new Anthropic({ baseURL: `${worker.url}/v1/llm/anthropic`, apiKey: 'drt_bad', maxRetries: 0 }).messages.create({ model: 'm', max_tokens: 9, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(an).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(an.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const g = await new GoogleGenAI({ apiKey: 'drt_bad', httpOptions: { baseUrl: `${worker.url}/v1/llm/google` } }).models.generateContent({ model: 'g', contents: 'hi' }).catch((e) => e);
    expect(g).toBeInstanceOf(ApiError);
    expect(g.status).toBe(401);
  });
});
