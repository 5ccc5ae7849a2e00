/**
 * A run's executor reaches the gateway only through the run's relay: it holds the relay's URL and
 * token, never the run token; and the patch agent rides out a 10 s Worker outage in the middle of a
 * run — the held turn's stream is cut, the agent replays the turn through the relay, the relay waits
 * for the Worker (its retry lines in the run log), and the run finishes with its edits pushed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/src/index.ts';
import { defaultExecutors } from '../src/executors/registry.ts';
import type { Executor, ExecutorRequest } from '../src/executors/types.ts';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

/** An agent stand-in that keeps what it was given and makes one model call with it. */
const seenRequests: ExecutorRequest[] = [];
const probe: Executor = {
  async *run(req) {
    seenRequests.push(req);
    const res = await fetch(`${req.gatewayBaseUrl}${req.spec.gatewayPath}/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${req.runToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'relay probe' }] }),
    });
    const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
    yield { type: 'log', level: 'info', message: `probe got HTTP ${res.status}: ${body.choices?.[0]?.message?.content}` };
  },
};

const logs = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'log' ? [`${e.level}: ${e.message}`] : []));

describe('runner: the gateway relay', () => {
  let h: Harness;
  beforeAll(async () => {
    const executors = defaultExecutors();
    executors.set('codex', probe);
    h = await startHarness({ executors, throughProxy: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives the executor a local relay URL and a relay token; the call reaches the Worker with the run token', async () => {
    h.provider.addScenario({ match: 'relay probe', turns: [{ text: 'pong' }] });
    const url = await h.gitServer.createRepo('probe', { 'README.md': '# p\n' });
    const a = h.worker.assign({ cloneUrl: url, instruction: 'probe the relay', executor: { id: 'codex' } });
    const result = await h.result(a.runId);
    expect(result.outcome).toBe('succeeded');
    const req = seenRequests.at(-1)!;
    expect(req.runToken).toMatch(/^drl_/);
    expect(JSON.stringify(req)).not.toContain(a.runToken);
    expect(new URL(req.gatewayBaseUrl).hostname).toBe('127.0.0.1');
    expect(req.gatewayBaseUrl).not.toBe(h.proxy!.url);
    // The fake worker knew the call by its run token (an unknown token is a 401 there).
    expect(h.worker.llmRequests.filter((r) => r.runId === a.runId)).toMatchObject([{ provider: 'openai', path: '/chat/completions', status: 200 }]);
    expect(logs(h.worker.runs.get(a.runId)!.events)).toContain('info: probe got HTTP 200: pong');
    expect(h.provider.requests.at(-1)?.headers.authorization).toBe('Bearer sk-upstream');
    expect(h.logs.join('\n')).not.toContain(req.runToken);
  });

  it('the patch agent rides out a 10 s Worker outage in the middle of a run', async () => {
    const url = await h.gitServer.createRepo('outage', { 'README.md': '# o\n' });
    const match = 'survive the outage';
    h.provider.addScenario({ match, turns: [
      { text: 'First file.', toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'a\n' } }] },
      // Slow enough that the outage cuts it mid-stream, after its first words reached the agent.
      { text: 'Second file, slowly, in many small pieces of text.', chunkDelayMs: 400, toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'b\n' } }] },
      { text: 'Wrote a.txt and b.txt.' },
    ] });
    // A lease that outlasts the outage, as a real Worker's must for the run to still be this runner's
    // afterwards (TaskRoom loses a run whose socket stayed away a whole lease; the runner gives it up then too).
    const a = h.worker.assign({ cloneUrl: url, instruction: match, leaseMs: 30_000 });
    await h.worker.waitFor(() => h.provider.requests.some((r) => r.scenario === match && r.turnIndex === 1), 'the second turn at the provider', 20_000);
    // Its first words reached the agent, so the outage cuts a stream that is open (not a request the SDK would retry itself).
    await h.worker.waitFor(() => h.worker.runs.get(a.runId)?.events.some((e) => e.type === 'text' && e.text.includes('Second')) ?? false, 'the second turn streaming', 20_000);

    // The Worker goes away for 10 s: every connection is cut (the held turn's stream too) and refused.
    const t0 = Date.now();
    await h.proxy!.outage(10_000, { drop: true });
    const result = await h.result(a.runId, 60_000);
    await h.idle();

    expect(result).toMatchObject({ outcome: 'succeeded', summary: 'Wrote a.txt and b.txt.' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(10_000);
    expect(await h.gitServer.readFile('outage', a.branch, 'a.txt')).toBe('a\n');
    expect(await h.gitServer.readFile('outage', a.branch, 'b.txt')).toBe('b\n');
    const run = h.worker.runs.get(a.runId)!;
    expectCleanLog(run);
    const lines = logs(run.events);
    expect(lines.some((l) => /^warn: model stream interrupted .*; retrying turn 2 \(2\/3\)$/.test(l))).toBe(true);
    expect(lines.filter((l) => /^warn: LLM gateway unreachable \(ECONNREFUSED\); retrying in \d+\.\d s \(attempt \d+\)$/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => /^info: LLM gateway reachable again after \d+\.\d s$/.test(l))).toBe(true);
    // Turn 2 reached the provider twice (cut once), every other turn once.
    expect(h.provider.requests.filter((r) => r.scenario === match).map((r) => r.turnIndex)).toEqual([0, 1, 1, 2]);
  }, 90_000);
});
