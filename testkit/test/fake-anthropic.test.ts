import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../src/index.ts';

describe('fake Anthropic provider', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic({
      apiKey: 'sk-ant-test',
      scenarios: [{
        match: 'write the file', model: 'claude-x',
        turns: [
          { text: 'Writing it.', toolCalls: [{ name: 'Write', arguments: { file_path: '/w/a.txt', content: 'hi\n' } }], usage: { prompt_tokens: 120, completion_tokens: 17 } },
          { text: 'Done.', usage: { prompt_tokens: 150, completion_tokens: 2 } },
        ],
      }],
    });
    client = new Anthropic({ baseURL: fake.url, apiKey: 'sk-ant-test', maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('streams message_start … message_stop that the SDK assembles into text + tool_use with usage', async () => {
    const stream = client.messages.stream({ model: 'claude-x', max_tokens: 1000, messages: [{ role: 'user', content: [{ type: 'text', text: '<system-reminder/>' }, { type: 'text', text: 'please write the file' }] }] });
    const types: string[] = [];
    let text = '';
    stream.on('streamEvent', (e) => types.push(e.type));
    stream.on('text', (t) => { text += t; });
    const msg = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types).toContain('content_block_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(text).toBe('Writing it.');
    expect(msg.stop_reason).toBe('tool_use');
    const tool = msg.content.find((b) => b.type === 'tool_use');
    expect(tool).toMatchObject({ name: 'Write', input: { file_path: '/w/a.txt', content: 'hi\n' } });
    expect(msg.usage).toMatchObject({ input_tokens: 120, output_tokens: 17 });
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/messages', scenario: 'write the file', turnIndex: 0 });
    // SDK 1.x sends the key as a Bearer token; Claude Code sends x-api-key: both are accepted.
    const h = fake.requests.at(-1)!.headers;
    expect(h['x-api-key'] ?? h.authorization).toMatch(/^(Bearer )?sk-ant-test$/);
  });

  it('takes the turn from prior assistant messages (tool_result is not user text); non-streaming; beta path', async () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'please write the file' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Write', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
    ];
    const msg = await client.messages.create({ model: 'claude-x', max_tokens: 100, messages });
    expect(msg.content).toEqual([{ type: 'text', text: 'Done.' }]);
    expect(msg.stop_reason).toBe('end_turn');
    // Claude Code's way: ?beta=true, streamed; the raw SSE carries the ping the SDK hides.
    const res = await fetch(`${fake.url}/v1/messages?beta=true`, { method: 'POST', headers: { 'x-api-key': 'sk-ant-test', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-x', max_tokens: 100, stream: true, messages }) });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = await res.text();
    expect(sse).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(sse).toContain('"delta":{"stop_reason":"end_turn","stop_sequence":null}');
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/messages', query: { beta: 'true' }, turnIndex: 1 });
  });

  it('answers unscripted side requests with a short text turn; HEAD /; count_tokens; models', async () => {
    const side = await client.messages.create({ model: 'claude-haiku', max_tokens: 50, messages: [{ role: 'user', content: 'please write the file (title?)' }] });
    expect(side.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(fake.requests.at(-1)?.scenario).toBeNull();
    expect((await fetch(fake.url, { method: 'HEAD' })).status).toBe(200);
    const count = await client.messages.countTokens({ model: 'claude-x', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(count.input_tokens).toBeGreaterThan(90);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['claude-x']);
  });

  it('accepts a Bearer key, refuses a wrong one in Anthropic format; strict mode refuses unscripted calls', async () => {
    const bearer = new Anthropic({ baseURL: fake.url, authToken: 'sk-ant-test', apiKey: null, maxRetries: 0 });
    expect((await bearer.messages.create({ model: 'claude-x', max_tokens: 9, messages: [{ role: 'user', content: 'hi' }] })).content[0]).toMatchObject({ text: 'ok' });
    const wrong = new Anthropic({ baseURL: fake.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await wrong.messages.create({ model: 'claude-x', max_tokens: 9, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'sk-ant-test' }, body: JSON.stringify({ model: 'm', messages: [] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    const strict = await startFakeAnthropic({ strict: true });
    try {
      const c = new Anthropic({ baseURL: strict.url, apiKey: 'k', maxRetries: 0 });
      await expect(c.messages.create({ model: 'm', max_tokens: 9, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    } finally {
      await strict.close();
    }
  });

  it('cuts a scripted stream once, mid-way', async () => {
    fake.addScenario({ match: 'cut me', turns: [{ text: 'a fairly long answer that streams', cutAfterChunks: 3 }] });
    const read = () => client.messages.stream({ model: 'claude-x', max_tokens: 9, messages: [{ role: 'user', content: 'cut me' }] }).finalMessage();
    await expect(read()).rejects.toThrow();
    expect((await read()).content[0]).toMatchObject({ text: 'a fairly long answer that streams' });
  });
});
