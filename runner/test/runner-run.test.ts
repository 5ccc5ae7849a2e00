import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../../testkit/src/index.ts';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';

describe('runner: a full run against the fake worker, git server and provider', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('clones, runs the tool loop, pushes exactly the scripted edits and reports the diff', async () => {
    const url = await h.gitServer.createRepo('full', { 'README.md': '# Demo\n', 'src/app.ts': 'export const x = 1;\nexport const y = 1;\n' });
    h.provider.addScenario({
      match: 'Make x two and add a greeting',
      turns: [
        { text: 'Let me look around.', toolCalls: [{ name: 'list_files', arguments: {} }, { name: 'read_file', arguments: { path: 'src/app.ts' } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/app.ts', old_string: 'x = 1', new_string: 'x = 2' } }, { name: 'write_file', arguments: { path: 'docs/greeting.md', content: 'Hello!\n' } }], usage: { prompt_tokens: 200, completion_tokens: 20 } },
        { text: 'Set x to 2 and added docs/greeting.md.', usage: { prompt_tokens: 300, completion_tokens: 30 } },
      ],
    });
    const a = h.worker.assign({ cloneUrl: url, instruction: 'Make x two and add a greeting\n\nDetails follow.', model: 'gpt-fake' });
    const result = await h.result(a.runId);
    await h.idle();

    expect(result).toMatchObject({ outcome: 'succeeded', branch: a.branch, summary: 'Set x to 2 and added docs/greeting.md.' });
    expect(result.baseCommit).toBe(await h.gitServer.revParse('full', 'main'));
    expect(result.headCommit).toBe(await h.gitServer.revParse('full', a.branch));
    expect(await h.gitServer.listBranches('full')).toEqual([a.branch, 'main'].sort());
    expect(await h.gitServer.diffNames('full', 'main', a.branch)).toEqual(['docs/greeting.md', 'src/app.ts']);
    expect(await h.gitServer.readFile('full', a.branch, 'src/app.ts')).toBe('export const x = 2;\nexport const y = 1;\n');
    expect(await h.gitServer.readFile('full', a.branch, 'docs/greeting.md')).toBe('Hello!\n');
    const show = await git(['--git-dir', join(h.gitServer.root, 'full.git'), 'log', '-1', '--format=%an <%ae>%n%B', a.branch]);
    expect(show.stdout.trim()).toBe(`dursor <bot@dursor.dev>\ndursor: Make x two and add a greeting\n\nDursor-Run: ${a.runId}`);

    expect(result.files).toEqual([
      { path: 'docs/greeting.md', status: 'added', additions: 1, deletions: 0 },
      { path: 'src/app.ts', status: 'modified', additions: 1, deletions: 1 },
    ]);
    expect(result.stats).toEqual({ files: 2, additions: 2, deletions: 1 });
    expect(result.patch).toContain('diff --git a/src/app.ts b/src/app.ts\n--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1,2 +1,2 @@\n-export const x = 1;\n+export const x = 2;\n');

    const run = h.worker.runs.get(a.runId)!;
    expectCleanLog(run);
    const statuses = run.events.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.status);
    expect(statuses).toEqual(['preparing', 'running', 'finishing']);
    const kinds = run.events.map((e) => e.type);
    expect(kinds.filter((k) => k === 'tool_call')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'usage')).toHaveLength(3);
    const results = run.events.filter((e) => e.type === 'tool_result');
    expect(results.every((e) => e.type === 'tool_result' && !e.isError)).toBe(true);
    expect(run.events.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text).join('')).toBe('Let me look around.Set x to 2 and added docs/greeting.md.');

    // The model was reached only through the gateway, with the run token; the provider saw the upstream key.
    const calls = h.provider.requests.filter((r) => JSON.stringify(r.body).includes('Make x two'));
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.headers.authorization === 'Bearer sk-upstream' && c.body.model === 'gpt-fake' && c.body.stream === true)).toBe(true);
    expect(calls[2].body.messages.filter((m: { role: string }) => m.role === 'tool')).toHaveLength(4);
    expect(h.worker.llmRequests.filter((r) => r.runId === a.runId).every((r) => r.status === 200)).toBe(true);

    // Pool: accepted, capacity went up then back down; the workspace is gone; secrets never logged.
    expect(h.worker.poolMessages.filter((m) => m.type !== 'hello')).toEqual(expect.arrayContaining([{ type: 'accept', runId: a.runId }, { type: 'capacity', activeRuns: [a.runId] }, { type: 'capacity', activeRuns: [] }]));
    expect(await readdir(join(h.workDir, 'runs'))).toEqual([]);
    const logText = h.logs.join('\n');
    expect(logText).not.toContain(a.runToken);
    expect(logText).not.toContain(h.credential);
  });

  it('replays a turn whose model stream was cut mid-way, and says so in the log', async () => {
    const url = await h.gitServer.createRepo('cut', { 'a.txt': 'one\n' });
    h.provider.addScenario({ match: 'cut-stream', turns: [
      { text: 'Writing the file now.', toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'two\n' } }], cutAfterChunks: 3 },
      { text: 'Done.' },
    ] });
    const a = h.worker.assign({ cloneUrl: url, instruction: 'cut-stream please' });
    const result = await h.result(a.runId);
    expect(result.outcome).toBe('succeeded');
    expect(await h.gitServer.readFile('cut', a.branch, 'a.txt')).toBe('two\n');
    const run = h.worker.runs.get(a.runId)!;
    const warnings = run.events.filter((e) => e.type === 'log' && e.level === 'warn').map((e) => e.type === 'log' && e.message);
    expect(warnings).toEqual([expect.stringMatching(/^model stream interrupted .*; retrying turn 1 \(2\/3\)$/)]);
    expect(run.events.filter((e) => e.type === 'tool_call')).toHaveLength(1);
  });

  it('a second run of the same repo fetches into the cache instead of cloning again', async () => {
    const url = await h.gitServer.createRepo('cached', { 'a.txt': 'one\n' });
    h.provider.addScenario({ match: 'cache-run', turns: [{ toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }, { text: 'ok' }] });
    const first = h.worker.assign({ cloneUrl: url, instruction: 'cache-run 1' });
    expect((await h.result(first.runId)).outcome).toBe('succeeded');
    const caches = (await readdir(join(h.workDir, 'cache'))).length;
    const newHead = await h.gitServer.commitFiles('cached', { 'b.txt': 'two\n' });
    const second = h.worker.assign({ cloneUrl: url, instruction: 'cache-run 2' });
    const r2 = await h.result(second.runId);
    expect(r2.outcome).toBe('succeeded');
    expect(r2.baseCommit).toBe(newHead);
    const logs = (runId: string) => h.worker.runs.get(runId)!.events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logs(first.runId).some((m) => m.startsWith('cloning '))).toBe(true);
    expect(logs(second.runId).some((m) => m.startsWith('fetched '))).toBe(true);
    expect(logs(second.runId).some((m) => m.startsWith('cloning '))).toBe(false);
    expect(await readdir(join(h.workDir, 'cache'))).toHaveLength(caches);
  });

  it('fails with a readable reason when the repository does not exist, pushing nothing', async () => {
    const a = h.worker.assign({ cloneUrl: `${h.gitServer.url}/missing.git`, instruction: 'anything' });
    const r = await h.result(a.runId);
    expect(r.outcome).toBe('failed');
    expect(r.error).toBe(`clone failed: repository not found at ${h.gitServer.url}/missing.git`);
    expectCleanLog(h.worker.runs.get(a.runId)!);
  });

  it('fails with the budget reason when the agent exceeds its turn limit', async () => {
    const url = await h.gitServer.createRepo('turns', { 'a.txt': 'x\n' });
    const loop = { toolCalls: [{ name: 'list_files', arguments: {} }] };
    h.provider.addScenario({ match: 'loop forever', turns: [loop, loop, loop, loop] });
    const a = h.worker.assign({ cloneUrl: url, instruction: 'loop forever', limits: { maxTurns: 2 } });
    const r = await h.result(a.runId);
    expect(r).toMatchObject({ outcome: 'failed', error: 'turn limit reached: the agent used all 2 turns without finishing' });
    expect(await h.gitServer.listBranches('turns')).toEqual(['main']);
    const b = h.worker.assign({ cloneUrl: url, instruction: 'loop forever', limits: { maxTokens: 50 } });
    expect((await h.result(b.runId)).error).toMatch(/^token budget exhausted: used \d+ of 50 tokens/);
  });
});
