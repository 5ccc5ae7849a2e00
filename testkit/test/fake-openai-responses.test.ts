import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../src/index.ts';

describe('fake OpenAI: Responses API', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({
      apiKey: 'sk-test',
      scenarios: [{
        match: 'run the shell', model: 'gpt-x',
        turns: [
          { text: 'Looking.', toolCalls: [{ name: 'exec_command', arguments: { cmd: 'ls' } }, { name: 'write_file', arguments: { path: 'a.txt', content: 'hi\n' } }], usage: { prompt_tokens: 40, completion_tokens: 9 } },
          { text: 'Finished.', usage: { prompt_tokens: 60, completion_tokens: 3 } },
        ],
      }],
    });
    client = new OpenAI({ baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('streams the real event sequence with function calls and usage', async () => {
    const stream = await client.responses.create({
      model: 'gpt-x', stream: true,
      input: [{ role: 'developer', content: 'be brief' }, { role: 'user', content: [{ type: 'input_text', text: '<env/>' }] }, { role: 'user', content: 'please run the shell' }],
      tools: [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: {} }, strict: false }],
    });
    const types: string[] = [];
    let text = '';
    const args: Record<string, string> = {};
    let completed: OpenAI.Responses.Response | undefined;
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'response.output_text.delta') text += e.delta;
      if (e.type === 'response.function_call_arguments.delta') args[e.item_id] = (args[e.item_id] ?? '') + e.delta;
      if (e.type === 'response.completed') completed = e.response;
    }
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types).toContain('response.output_text.done');
    expect(types).toContain('response.content_part.done');
    expect(types).toContain('response.function_call_arguments.done');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe('Looking.');
    const calls = completed!.output.filter((o) => o.type === 'function_call');
    expect(calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([['exec_command', { cmd: 'ls' }], ['write_file', { path: 'a.txt', content: 'hi\n' }]]);
    expect(calls.map((c) => JSON.parse(args[c.id!]))).toEqual([{ cmd: 'ls' }, { path: 'a.txt', content: 'hi\n' }]);
    expect(completed!.usage).toMatchObject({ input_tokens: 40, output_tokens: 9, total_tokens: 49 });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/responses', scenario: 'run the shell', turnIndex: 0 });
  });

  it('counts a run of model items as one turn, answers non-streaming, then "done"', async () => {
    const input: OpenAI.Responses.ResponseInput = [
      { role: 'user', content: 'please run the shell' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Looking.', annotations: [] }], id: 'msg_1', status: 'completed' },
      { type: 'function_call', call_id: 'c1', name: 'exec_command', arguments: '{}' },
      { type: 'function_call', call_id: 'c2', name: 'write_file', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
      { type: 'function_call_output', call_id: 'c2', output: 'ok' },
    ];
    const second = await client.responses.create({ model: 'gpt-x', input });
    expect(second.output_text).toBe('Finished.');
    expect(second.usage).toMatchObject({ input_tokens: 60, output_tokens: 3 });
    const third = await client.responses.create({ model: 'gpt-x', input: [...input, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Finished.', annotations: [] }], id: 'm2', status: 'completed' }, { role: 'user', content: 'more?' }] });
    expect(third.output_text).toBe('done');
  });

  it('lists models for the SDK and Codex; strict refuses unscripted calls, non-strict answers them', async () => {
    const res = await fetch(`${fake.url}/models`, { headers: { authorization: 'Bearer sk-test' } });
    expect(await res.json()).toMatchObject({ object: 'list', data: [{ id: 'gpt-x' }], models: [] });
    await expect(client.responses.create({ model: 'gpt-x', input: 'unknown' })).rejects.toMatchObject({ status: 400, code: 'no_scenario' });
    const lax = await startFakeOpenAI({ strict: false });
    try {
      const c = new OpenAI({ baseURL: lax.url, apiKey: 'k', maxRetries: 0 });
      expect((await c.responses.create({ model: 'm', input: 'anything' })).output_text).toBe('ok');
      expect(lax.requests[0].scenario).toBeNull();
    } finally {
      await lax.close();
    }
  });

  it('cuts a scripted stream once, mid-way', async () => {
    fake.addScenario({ match: 'cut me', turns: [{ text: 'a fairly long answer that streams', cutAfterChunks: 4 }] });
    const read = async () => {
      const s = await client.responses.create({ model: 'gpt-x', input: 'cut me', stream: true });
      let n = 0;
      for await (const _ of s) n++;
      return n;
    };
    await expect(read()).rejects.toThrow();
    expect(await read()).toBeGreaterThan(4);
  });
});
