import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, GoogleGenAI, type Content } from '@google/genai';
import { startFakeGemini, type FakeGemini } from '../src/index.ts';

describe('fake Gemini provider', () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;
  beforeAll(async () => {
    fake = await startFakeGemini({
      apiKey: 'AIza-test',
      scenarios: [{
        match: 'make the file', model: 'gemini-x',
        turns: [
          { text: 'On it.', toolCalls: [{ name: 'write_file', arguments: { file_path: 'a.txt', content: 'hi\n' } }], usage: { prompt_tokens: 70, completion_tokens: 12 } },
          { text: 'Written.', usage: { prompt_tokens: 90, completion_tokens: 2 } },
        ],
      }],
    });
    ai = new GoogleGenAI({ apiKey: 'AIza-test', httpOptions: { baseUrl: fake.url } });
  });
  afterAll(() => fake.close());

  it('streams SSE chunks the SDK reads: text, a functionCall, finishReason and usageMetadata', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-x',
      contents: [{ role: 'user', parts: [{ text: 'please make the file' }] }],
      config: { tools: [{ functionDeclarations: [{ name: 'write_file', parametersJsonSchema: { type: 'object' } }] }] },
    });
    let text = '';
    const calls: unknown[] = [];
    let last;
    let n = 0;
    for await (const chunk of stream) {
      n++;
      text += chunk.text ?? '';
      calls.push(...(chunk.functionCalls ?? []));
      last = chunk;
    }
    expect(n).toBeGreaterThan(1);
    expect(text).toBe('On it.');
    expect(calls).toEqual([{ name: 'write_file', args: { file_path: 'a.txt', content: 'hi\n' } }]);
    expect(last!.candidates![0].finishReason).toBe('STOP');
    expect(last!.usageMetadata).toMatchObject({ promptTokenCount: 70, candidatesTokenCount: 12, totalTokenCount: 82 });
    const req = fake.requests.at(-1)!;
    expect(req).toMatchObject({ path: '/v1beta/models/gemini-x:streamGenerateContent', query: { alt: 'sse' }, scenario: 'make the file', turnIndex: 0 });
    expect(req.headers['x-goog-api-key']).toBe('AIza-test');
  });

  it('anchors the turn at the instruction (a preamble exchange before it does not count); generateContent; countTokens', async () => {
    const contents: Content[] = [
      { role: 'user', parts: [{ text: 'This is the Gemini CLI. Context…' }] },
      { role: 'model', parts: [{ text: 'Got it. Thanks for the context!' }] },
      { role: 'user', parts: [{ text: 'please make the file' }] },
      { role: 'model', parts: [{ functionCall: { name: 'write_file', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'write_file', response: { output: 'ok' } } }] },
    ];
    const res = await ai.models.generateContent({ model: 'gemini-x', contents });
    expect(res.text).toBe('Written.');
    expect(res.usageMetadata).toMatchObject({ promptTokenCount: 90, candidatesTokenCount: 2 });
    expect(fake.requests.at(-1)?.turnIndex).toBe(1);
    const count = await ai.models.countTokens({ model: 'gemini-x', contents });
    expect(count.totalTokens).toBeGreaterThan(10);
  });

  it('answers unscripted calls (routing on a flash-lite model) with a short text; key by ?key=; wrong key refused as Google does', async () => {
    const route = await ai.models.generateContent({ model: 'gemini-flash-lite', contents: 'please make the file — which model?' });
    expect(route.text).toBe('ok');
    expect(fake.requests.at(-1)?.scenario).toBeNull();
    const json = await ai.models.generateContent({
      model: 'gemini-flash-lite', contents: 'route this',
      config: { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { reasoning: { type: 'string' }, score: { type: 'integer', minimum: 1 }, choice: { type: 'string', enum: ['flash', 'pro'] } }, required: ['reasoning', 'score', 'choice'] } },
    });
    expect(JSON.parse(json.text!)).toEqual({ reasoning: '', score: 1, choice: 'flash' });
    const byQuery = await fetch(`${fake.url}/v1beta/models/gemini-x:generateContent?key=AIza-test`, { method: 'POST', body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }) });
    expect(byQuery.status).toBe(200);
    const wrong = new GoogleGenAI({ apiKey: 'AIza-wrong', httpOptions: { baseUrl: fake.url } });
    const err = await wrong.models.generateContent({ model: 'gemini-x', contents: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toContain('API key not valid');
    const empty = await fetch(`${fake.url}/v1beta/models/gemini-x:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': 'AIza-test' }, body: '{"contents":[]}' });
    expect(await empty.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('cuts a scripted stream once, mid-way', async () => {
    fake.addScenario({ match: 'cut me', turns: [{ text: 'a fairly long answer that streams', cutAfterChunks: 2 }] });
    const read = async () => {
      let text = '';
      for await (const c of await ai.models.generateContentStream({ model: 'gemini-x', contents: 'cut me' })) text += c.text ?? '';
      return text;
    };
    await expect(read()).rejects.toThrow();
    expect(await read()).toBe('a fairly long answer that streams');
  });
});
