/**
 * The real agent CLIs (scripts/install-clis.ts) behind the run's gateway relay, with the fake Worker
 * reached through testkit's TCP proxy: Claude Code waits out a 10 s Worker outage between its model
 * calls (the relay holds its next call and retries until the Worker is back), and what each CLI does
 * when a model stream is cut mid-way (runner/README.md): Claude Code and Codex replay the call
 * themselves and the run succeeds, Gemini CLI stops with "[API Error: terminated]" and the run fails.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorId, RunEvent } from '../../protocol/src/index.ts';
import {
  startFakeAnthropic, startFakeGemini, startFakeOpenAI, startFakeWorker, startGitServer, startTcpProxy,
  type FakeProvider, type FakeWorker, type GitServer, type ScriptedToolCall, type TcpProxy,
} from '../../testkit/src/index.ts';
import { DEFAULT_CLI_DIR, detectClis } from '../src/capabilities.ts';
import { defaultExecutors } from '../src/executors/registry.ts';
import { createLogger } from '../src/log.ts';
import { Runner } from '../src/runner.ts';
import { expectCleanLog } from './harness.ts';

const KEY = 'sk-upstream-relay-key-123';
let anthropic: FakeProvider;
let openai: FakeProvider;
let gemini: FakeProvider;
let gitServer: GitServer;
let worker: FakeWorker;
let proxy: TcpProxy;
let runner: Runner;
let workDir: string;
let repoUrl: string;

beforeAll(async () => {
  const clis = await detectClis({ dirs: [DEFAULT_CLI_DIR], path: '' });
  if (clis.length < 3) throw new Error(`agent CLIs missing from ${DEFAULT_CLI_DIR}; run: node scripts/install-clis.ts`);
  [anthropic, openai, gemini, gitServer] = await Promise.all([
    startFakeAnthropic({ apiKey: KEY }), startFakeOpenAI({ apiKey: KEY, strict: false }), startFakeGemini({ apiKey: KEY }), startGitServer(),
  ]);
  worker = await startFakeWorker({ upstreams: { anthropic: anthropic.url, openai: openai.url, google: gemini.url }, upstreamKey: KEY, leaseMs: 10_000 });
  proxy = await startTcpProxy(Number(new URL(worker.url).port));
  workDir = await realpath(await mkdtemp(join(tmpdir(), 'runner-cli-relay-')));
  worker.credentials.add('drc_test_cli_relay');
  runner = new Runner({
    baseUrl: proxy.url, credential: 'drc_test_cli_relay', name: 'cli-relay', slots: 3, labels: [], workDir, maxFileBytes: 1 << 20,
    executors: defaultExecutors(clis), log: createLogger({ write: () => {} }), ackTimeoutMs: 10_000, onTerminal: () => {},
  });
  runner.start();
  await worker.waitFor(() => worker.hellos.length > 0, 'hello');
  repoUrl = await gitServer.createRepo('app', { 'README.md': '# App\n' });
}, 90_000);

afterAll(async () => {
  runner?.cancelAll('test over');
  await Promise.race([runner?.drain(), new Promise((r) => setTimeout(r, 5_000))]);
  await proxy?.close();
  await worker?.close();
  await gitServer?.close();
  await Promise.all([anthropic?.close(), openai?.close(), gemini?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const wsPath = (runId: string) => join(workDir, 'runs', `${runId}-1`);
const logs = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'log' ? [`${e.level}: ${e.message}`] : []));
async function result(runId: string, timeoutMs = 90_000) {
  return worker.waitFor(() => worker.runs.get(runId)?.result, `result of ${runId}`, timeoutMs);
}

describe('agent CLIs behind the gateway relay', () => {
  it('Claude Code waits out a 10 s Worker outage between its model calls and finishes', async () => {
    const runId = 'run_claude_outage';
    const match = 'claude: write through an outage';
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    anthropic.addScenario({ match, model: 'claude-fake', turns: [
      { text: 'Writing the file.', hold, toolCalls: [{ name: 'Write', arguments: { file_path: join(wsPath(runId), 'outage.txt'), content: 'made it\n' } }] },
      { text: 'Wrote outage.txt.' },
    ] });
    const a = worker.assign({ cloneUrl: repoUrl, runId, instruction: match, model: 'claude-fake', executor: { id: 'claude-code' } });
    await worker.waitFor(() => anthropic.requests.some((r) => r.scenario === match), 'the first model call', 30_000);
    // Connections already open stay (the first call finishes); every new one is refused for 10 s —
    // the relay opens one per call, so Claude Code's next call meets the outage.
    const outage = proxy.outage(10_000);
    release();
    await outage;
    const res = await result(runId);

    expect(res).toMatchObject({ outcome: 'succeeded', summary: 'Wrote outage.txt.' });
    expect(await gitServer.readFile('app', a.branch, 'outage.txt')).toBe('made it\n');
    const lines = logs(worker.runs.get(runId)!.events);
    expect(lines.filter((l) => /^warn: LLM gateway unreachable \(ECONNREFUSED\); retrying in \d+\.\d s \(attempt \d+\)$/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => /^info: LLM gateway reachable again after (9|10|11|12|13)\.\d s$/.test(l))).toBe(true);
    // Each scripted call reached the provider once: the relay held the second, Claude Code did not give up on it.
    expect(anthropic.requests.filter((r) => r.scenario === match).map((r) => r.turnIndex)).toEqual([0, 1]);
    expectCleanLog(worker.runs.get(runId)!);
  }, 120_000);

  const CUTS: { id: ExecutorId; model: string; fake: () => FakeProvider; tool(dir: string): ScriptedToolCall; outcome: 'succeeded' | 'failed'; says: RegExp }[] = [
    { id: 'claude-code', model: 'claude-fake', fake: () => anthropic, tool: (d) => ({ name: 'Write', arguments: { file_path: join(d, 'cut.txt'), content: 'x\n' } }), outcome: 'succeeded', says: /./ },
    { id: 'codex', model: 'gpt-fake', fake: () => openai, tool: () => ({ name: 'exec_command', arguments: { cmd: "printf 'x\\n' > cut.txt" } }), outcome: 'succeeded', says: /^warn: codex: Reconnecting\.\.\. 1\/5 \(stream disconnected before completion/ },
    { id: 'gemini-cli', model: 'gemini-fake', fake: () => gemini, tool: (d) => ({ name: 'write_file', arguments: { file_path: join(d, 'cut.txt'), content: 'x\n' } }), outcome: 'failed', says: /./ },
  ];
  it.each(CUTS)('$id on a model stream cut mid-way: $outcome', async (c) => {
    const runId = `run_cut_${c.id}`;
    const match = `${c.id}: a stream that breaks`;
    c.fake().addScenario({ match, model: c.model, turns: [
      { text: 'Writing the file now, in a sentence long enough to stream in pieces.', chunkDelayMs: 20, cutAfterChunks: 2, toolCalls: [c.tool(wsPath(runId))] },
      { text: 'Done.' },
    ] });
    worker.assign({ cloneUrl: repoUrl, runId, instruction: match, model: c.model, executor: { id: c.id } });
    const res = await result(runId);
    expect(res.outcome).toBe(c.outcome);
    const turns = c.fake().requests.filter((r) => r.scenario === match).map((r) => r.turnIndex);
    if (c.outcome === 'succeeded') {
      // The cut call was made again by the CLI itself, then the run went on.
      expect(turns).toEqual([0, 0, 1]);
      expect(logs(worker.runs.get(runId)!.events).some((l) => c.says.test(l))).toBe(true);
      expect(res.files.map((f) => f.path)).toEqual(['cut.txt']);
    } else {
      expect(turns).toEqual([0]);
      expect(res.error).toMatch(/^gemini-cli exited with code 1: \[API Error: terminated\]/);
    }
  }, 120_000);
});
