/**
 * The patch agent on each official SDK (openai Chat + Responses, @anthropic-ai/sdk, @google/genai),
 * through the fake worker's gateway to fake providers speaking the real wire formats, against the
 * real git server: multi-turn tool use that edits files and pushes, per-turn usage equal to the
 * provider's usage fields, the run token never reaching the provider, and readable failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorSpec } from '../../protocol/src/index.ts';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeProvider, type LlmProvider, type RecordedRequest } from '../../testkit/src/index.ts';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

interface Wire {
  name: string;
  route: LlmProvider;
  executor: Partial<ExecutorSpec>;
  model: string;
  /** The upstream key as the provider received it. */
  key(r: RecordedRequest): string | undefined;
  /** Tool results the request sends back to the model. */
  toolResults(body: any): number;
}
const WIRES: Wire[] = [
  {
    name: 'openai chat', route: 'openai', executor: { provider: 'openai-compatible' }, model: 'gpt-chat',
    key: (r) => r.headers.authorization,
    toolResults: (b) => b.messages.filter((m: any) => m.role === 'tool').length,
  },
  {
    name: 'openai responses', route: 'openai', executor: { provider: 'openai', wireApi: 'responses' }, model: 'gpt-resp',
    key: (r) => r.headers.authorization,
    toolResults: (b) => b.input.filter((i: any) => i.type === 'function_call_output').length,
  },
  {
    name: 'anthropic', route: 'anthropic', executor: { provider: 'anthropic' }, model: 'claude-x',
    key: (r) => (r.headers.authorization ? 'both' : r.headers['x-api-key']),
    toolResults: (b) => b.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : [])).filter((c: any) => c.type === 'tool_result').length,
  },
  {
    name: 'google', route: 'google', executor: { provider: 'google' }, model: 'gemini-x',
    key: (r) => r.headers['x-goog-api-key'],
    toolResults: (b) => b.contents.flatMap((c: any) => c.parts).filter((p: any) => p.functionResponse).length,
  },
];
const EXPECTED_KEY: Record<string, string> = { openai: 'Bearer sk-upstream', anthropic: 'sk-upstream', google: 'sk-upstream' };

describe('patch agent on every SDK, through the gateway', () => {
  let h: Harness;
  let anthropic: FakeProvider;
  let google: FakeProvider;
  const fakes: Record<LlmProvider, () => FakeProvider> = { openai: () => h.provider, anthropic: () => anthropic, google: () => google };
  beforeAll(async () => {
    [anthropic, google] = await Promise.all([startFakeAnthropic({ apiKey: 'sk-upstream', strict: true }), startFakeGemini({ apiKey: 'sk-upstream', strict: true })]);
    h = await startHarness({ cancelGraceMs: 10_000, workerOptions: { upstreams: { anthropic: anthropic.url, google: google.url } } });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([anthropic.close(), google.close()]);
  });

  it.each(WIRES)('$name: multi-turn tool use edits files and pushes; usage, history and keys are right', async (wire) => {
    const repo = `edit-${wire.route}-${wire.model}`;
    const url = await h.gitServer.createRepo(repo, { 'README.md': '# Demo\n', 'src/app.ts': 'export const x = 1;\n' });
    const match = `${wire.name}: make x two and add a greeting`;
    fakes[wire.route]().addScenario({
      match, model: wire.model,
      turns: [
        // The first turn's stream is cut once mid-way: the loop replays it.
        { text: 'Let me look around.', toolCalls: [{ name: 'list_files', arguments: {} }, { name: 'read_file', arguments: { path: 'src/app.ts' } }], usage: { prompt_tokens: 100, completion_tokens: 10 }, cutAfterChunks: 2 },
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/app.ts', old_string: 'x = 1', new_string: 'x = 2' } }, { name: 'write_file', arguments: { path: 'docs/hello.md', content: 'Hello!\n' } }], usage: { prompt_tokens: 200, completion_tokens: 20 } },
        { text: 'Set x to 2 and added docs/hello.md.', usage: { prompt_tokens: 300, completion_tokens: 30 } },
      ],
    });
    const history = [{ role: 'user' as const, content: 'Earlier ask: describe the repo' }, { role: 'assistant' as const, content: 'Earlier answer: a demo.' }];
    const a = h.worker.assign({ cloneUrl: url, instruction: match, model: wire.model, executor: wire.executor, history });
    const result = await h.result(a.runId);
    await h.idle();

    expect(result).toMatchObject({ outcome: 'succeeded', summary: 'Set x to 2 and added docs/hello.md.' });
    expect(await h.gitServer.readFile(repo, a.branch, 'src/app.ts')).toBe('export const x = 2;\n');
    expect(await h.gitServer.readFile(repo, a.branch, 'docs/hello.md')).toBe('Hello!\n');
    expect(result.stats).toEqual({ files: 2, additions: 2, deletions: 1 });

    const run = h.worker.runs.get(a.runId)!;
    expectCleanLog(run);
    const usage = run.events.flatMap((e) => (e.type === 'usage' ? [[e.inputTokens, e.outputTokens]] : []));
    expect(usage).toEqual([[100, 10], [200, 20], [300, 30]]);
    const calls = run.events.flatMap((e) => (e.type === 'tool_call' ? [e.name] : []));
    expect(calls).toEqual(['list_files', 'read_file', 'edit_file', 'write_file']);
    expect(run.events.filter((e) => e.type === 'tool_result').every((e) => e.type === 'tool_result' && !e.isError)).toBe(true);
    expect(run.events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('retrying turn 1'))).toBe(true);
    const text = run.events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
    expect(text.endsWith('Set x to 2 and added docs/hello.md.')).toBe(true);

    const requests = fakes[wire.route]().requests.filter((r) => r.scenario === match);
    expect(requests.map((r) => r.turnIndex)).toEqual([0, 0, 1, 2]);
    expect(requests.map((r) => wire.key(r))).toEqual(requests.map(() => EXPECTED_KEY[wire.route]));
    for (const r of requests) expect(JSON.stringify([r.headers, r.query, r.body])).not.toContain(a.runToken);
    expect(wire.toolResults(requests[3].body)).toBe(4);
    // History came first, then the instruction.
    const first = JSON.stringify(requests[0].body);
    expect(first.indexOf('Earlier ask')).toBeGreaterThan(-1);
    expect(first.indexOf('Earlier ask')).toBeLessThan(first.indexOf('Earlier answer'));
    expect(first.indexOf('Earlier answer')).toBeLessThan(first.indexOf(match));
    expect(h.worker.llmRequests.filter((r) => r.runId === a.runId).map((r) => `${r.provider} ${r.status}`)).toEqual(requests.map(() => `${wire.route} 200`));
  });

  it('a provider that refuses the key fails each run with the provider\'s reason', async () => {
    const refusing = { openai: await startFakeOpenAI({ apiKey: 'sk-someone-else' }), anthropic: await startFakeAnthropic({ apiKey: 'sk-someone-else' }), google: await startFakeGemini({ apiKey: 'sk-someone-else' }) };
    try {
      for (const p of ['openai', 'anthropic', 'google'] as const) h.worker.setUpstream(p, refusing[p].url);
      const url = await h.gitServer.createRepo('refused', { 'a.txt': 'a\n' });
      const runs = WIRES.map((w) => h.worker.assign({ cloneUrl: url, instruction: 'anything', model: w.model, executor: w.executor }));
      const results = await Promise.all(runs.map((a) => h.result(a.runId)));
      expect(results.map((r) => r.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
      expect(results[0].error).toBe('model call failed: 401 Incorrect API key provided.');
      expect(results[1].error).toBe('model call failed: 401 Incorrect API key provided.');
      expect(results[2].error).toBe('model call failed: 401 invalid x-api-key');
      expect(results[3].error).toBe('model call failed: 400 API key not valid. Please pass a valid API key.');
      expect(await h.gitServer.listBranches('refused')).toEqual(['main']);
    } finally {
      h.worker.setUpstream('openai', h.provider.url);
      h.worker.setUpstream('anthropic', anthropic.url);
      h.worker.setUpstream('google', google.url);
      await Promise.all(Object.values(refusing).map((f) => f.close()));
    }
  });

  it('an unreachable upstream behind the gateway fails each run with a readable reason', async () => {
    for (const p of ['openai', 'anthropic', 'google'] as const) h.worker.setUpstream(p, 'http://127.0.0.1:1');
    try {
      const url = await h.gitServer.createRepo('unreachable', { 'a.txt': 'a\n' });
      const runs = WIRES.map((w) => h.worker.assign({ cloneUrl: url, instruction: 'anything', model: w.model, executor: w.executor }));
      const results = await Promise.all(runs.map((a) => h.result(a.runId)));
      for (const r of results) {
        expect(r.outcome).toBe('failed');
        expect(r.error).toMatch(/^model call failed: 502 upstream unreachable: connect ECONNREFUSED 127\.0\.0\.1:1$/);
      }
    } finally {
      h.worker.setUpstream('openai', h.provider.url);
      h.worker.setUpstream('anthropic', anthropic.url);
      h.worker.setUpstream('google', google.url);
    }
  });

  it('a cancel interrupts each SDK mid-stream: cancelled quickly, nothing pushed', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    try {
      const url = await h.gitServer.createRepo('cancel', { 'a.txt': 'a\n' });
      const runs = WIRES.map((w) => {
        const match = `${w.name}: hang on`;
        fakes[w.route]().addScenario({ match, model: w.model, turns: [{ text: 'Thinking about it for a long while', hold }] });
        return { match, wire: w, a: h.worker.assign({ cloneUrl: url, instruction: match, model: w.model, executor: w.executor }) };
      });
      await h.worker.waitFor(() => runs.every((r) => fakes[r.wire.route]().requests.some((q) => q.scenario === r.match)), 'every model call streaming', 10_000);
      const started = Date.now();
      for (const r of runs) h.worker.cancel(r.a.runId, 'stop');
      const results = await Promise.all(runs.map((r) => h.result(r.a.runId)));
      expect(results.map((r) => r.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
      // Well inside the 10 s grace period: each SDK call stopped on the abort signal, none was abandoned.
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await h.gitServer.listBranches('cancel')).toEqual(['main']);
    } finally {
      release();
    }
  });
});
