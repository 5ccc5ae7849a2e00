import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../src/index.ts';

describe('fake OpenAI provider', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({
      apiKey: 'sk-test',
      scenarios: [
        { match: 'tool please', turns: [{ text: 'Let me write it.', toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'hello\n' } }, { name: 'read_file', arguments: { path: 'a.txt' } }], usage: { prompt_tokens: 11, completion_tokens: 7 } }, { text: 'All done, the file is written.' }] },
        { match: 'only m2', model: 'm2', turns: [{ text: 'I am m2' }] },
      ],
    });
    client = new OpenAI({ baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('streams text and tool-call fragments the SDK reassembles, with a usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'm1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'tool please' }] });
    let text = '';
    const args: string[] = [];
    const ids: string[] = [];
    const names: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      text += choice.delta.content ?? '';
      for (const tc of choice.delta.tool_calls ?? []) {
        if (tc.id) ids[tc.index] = tc.id;
        if (tc.function?.name) names[tc.index] = tc.function.name;
        args[tc.index] = (args[tc.index] ?? '') + (tc.function?.arguments ?? '');
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(text).toBe('Let me write it.');
    expect(names).toEqual(['write_file', 'read_file']);
    expect(ids.every((id) => id.startsWith('call_'))).toBe(true);
    expect(args.map((a) => JSON.parse(a))).toEqual([{ path: 'a.txt', content: 'hello\n' }, { path: 'a.txt' }]);
    expect(finish).toBe('tool_calls');
    expect(usage).toEqual({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-test');
  });

  it('picks the turn by the number of assistant messages, then answers "done"', async () => {
    const history: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'tool please' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'x', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
    ];
    const second = await client.chat.completions.create({ model: 'm1', messages: history });
    expect(second.choices[0].message.content).toBe('All done, the file is written.');
    expect(second.choices[0].finish_reason).toBe('stop');
    const third = await client.chat.completions.create({ model: 'm1', messages: [...history, { role: 'assistant', content: 'x' }, { role: 'user', content: 'more' }] });
    expect(third.choices[0].message.content).toBe('done');
  });

  it('returns tool calls in a non-streaming completion', async () => {
    const res = await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'tool please' }] });
    const call = res.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('write_file');
    expect(res.usage?.total_tokens).toBe(18);
  });

  it('honours the model filter and names the problem when nothing matches', async () => {
    const ok = await client.chat.completions.create({ model: 'm2', messages: [{ role: 'user', content: 'only m2' }] });
    expect(ok.choices[0].message.content).toBe('I am m2');
    const err = await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'only m2' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('no scenario matches model "m1"');
  });

  it('refuses a wrong key with a 401 in OpenAI error format', async () => {
    const bad = new OpenAI({ baseURL: fake.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await bad.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'tool please' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
  });

  it('holds the stream after the first chunk until released', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    fake.addScenario({ match: 'hold me', turns: [{ text: 'released text', hold }] });
    const stream = await client.chat.completions.create({ model: 'm1', stream: true, messages: [{ role: 'user', content: 'hold me' }] });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value.choices[0].delta.role).toBe('assistant');
    let done = false;
    const rest = (async () => {
      let t = '';
      for (let r = await it.next(); !r.done; r = await it.next()) t += r.value.choices[0]?.delta.content ?? '';
      done = true;
      return t;
    })();
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    release();
    expect(await rest).toBe('released text');
  });

  it('streams a tool call\'s arguments in one event with argumentPieceChars: Infinity', async () => {
    const content = 'y'.repeat(100_000);
    fake.addScenario({ match: 'one piece', turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content } }], argumentPieceChars: Infinity }] });
    const stream = await client.chat.completions.create({ model: 'm1', stream: true, messages: [{ role: 'user', content: 'one piece' }] });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const a = chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments;
      if (a) pieces.push(a);
    }
    expect(pieces).toEqual([JSON.stringify({ path: 'b.txt', content })]);
  });
});
