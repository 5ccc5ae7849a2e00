/**
 * The real agent CLIs (installed by scripts/install-clis.ts into .dursor/clis), driven by the
 * runner against the fake Worker (gateway routes for every provider), the testkit's fake
 * Anthropic / OpenAI Responses / Gemini servers and a local git server. Each CLI makes a scripted
 * edit with its own write tool, the run ends in a pushed branch, and a follow-up with the run's
 * agentSession resumes it (the fake sees the earlier turns). Each run is bounded in time.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeAnthropic, startFakeGemini, startFakeOpenAI, startFakeWorker, startGitServer,
  waitFor, type FakeProvider, type FakeWorker, type GitServer, type RecordedRequest,
} from '../../testkit/src/index.ts';
import type { ExecutorId } from '../../protocol/src/index.ts';
import { DEFAULT_CLI_DIR, detectClis, type DetectedCli } from '../src/capabilities.ts';
import { CliExecutor } from '../src/executors/cli/cli-executor.ts';
import { claudeCode } from '../src/executors/claude-code/claude-code.ts';
import { defaultExecutors } from '../src/executors/registry.ts';
import { createLogger } from '../src/log.ts';
import { Runner } from '../src/runner.ts';
import { sandboxDeps } from '../src/sandbox/job-sandbox.ts';
import { expectCleanLog } from './harness.ts';

const RUN_TIMEOUT_MS = 60_000;
const UPSTREAM_KEY = 'sk-upstream-secret-key-123';

let clis: DetectedCli[];
let anthropic: FakeProvider;
let openai: FakeProvider;
let gemini: FakeProvider;
let gitServer: GitServer;
let worker: FakeWorker;
let runner: Runner;
let workDir: string;
let executors: ReturnType<typeof defaultExecutors>;
let repoUrl: string;
const logs: string[] = [];

beforeAll(async () => {
  clis = await detectClis({ dirs: [DEFAULT_CLI_DIR], path: '' });
  if (clis.length < 3) throw new Error(`agent CLIs missing from ${DEFAULT_CLI_DIR} (found: ${clis.map((c) => c.id).join(', ') || 'none'}); run: node scripts/install-clis.ts`);
  anthropic = await startFakeAnthropic({ apiKey: UPSTREAM_KEY });
  openai = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, strict: false });
  gemini = await startFakeGemini({ apiKey: UPSTREAM_KEY });
  gitServer = await startGitServer();
  worker = await startFakeWorker({ upstreams: { anthropic: anthropic.url, openai: openai.url, google: gemini.url }, upstreamKey: UPSTREAM_KEY, leaseMs: 10_000 });
  workDir = await realpath(await mkdtemp(join(tmpdir(), 'runner-cli-')));
  const credential = `drc_test_${Math.random().toString(36).slice(2)}`;
  worker.credentials.add(credential);
  executors = defaultExecutors(clis);
  runner = new Runner({
    baseUrl: worker.url, credential, name: 'cli-runner', slots: 4, labels: [], workDir, maxFileBytes: 1024 * 1024,
    executors, log: createLogger({ write: (l) => logs.push(l) }), ackTimeoutMs: 10_000,
    // As a real runner does: every CLI runs inside its attempt's sandbox.
    sandbox: sandboxDeps({ stateDir: join(workDir, 'state'), workDir, cliBins: clis.map((c) => c.binPath) }),
    onTerminal: () => {},
  });
  runner.start();
  await worker.waitFor(() => worker.hellos.length > 0, 'hello');
  repoUrl = await gitServer.createRepo('app', { 'README.md': '# App\n' });
}, 90_000);

afterAll(async () => {
  runner?.cancelAll('test over');
  await Promise.race([runner?.drain(), new Promise((r) => setTimeout(r, 5_000))]);
  await worker?.close();
  await gitServer?.close();
  await Promise.all([anthropic?.close(), openai?.close(), gemini?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

let seq = 0;
/** Assigns a run and waits for its result; the workspace path is known up front for absolute tool paths. */
async function run(input: { executor: ExecutorId; model: string; instruction: string; baseRef?: string; resumeSession?: string; history?: Array<{ role: 'user' | 'assistant'; content: string }> }) {
  const runId = `run_cli_${++seq}`;
  const a = worker.assign({
    cloneUrl: repoUrl, runId, instruction: input.instruction, model: input.model, baseRef: input.baseRef, history: input.history,
    executor: { id: input.executor, ...(input.resumeSession ? { resumeSession: input.resumeSession } : {}) },
  });
  const result = await worker.waitFor(() => worker.runs.get(runId)?.result, `result of ${runId}`, RUN_TIMEOUT_MS);
  return { a, result, events: worker.runs.get(runId)!.events };
}
/** The pid of a process whose cwd is `dir` (the CLI runs in the run's workspace). */
function processIn(dir: string): number | undefined {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/cwd`) === dir) pids.push(Number(name));
    } catch { /* gone or not ours */ }
  }
  // The CLI itself started before anything it spawned.
  return pids.length ? Math.min(...pids) : undefined;
}
const wsPath = (n: number) => join(workDir, 'runs', `run_cli_${n}-1`);
const conversationText = (r: RecordedRequest) => JSON.stringify(r.body);

describe('real agent CLIs through the runner', () => {
  it('detects the three npm CLIs and advertises them with patch-agent in hello', () => {
    expect(clis.map((c) => c.id).sort()).toEqual(['claude-code', 'codex', 'gemini-cli']);
    expect(clis.find((c) => c.id === 'claude-code')?.version).toMatch(/^2\.1\.\d+ \(Claude Code\)$/);
    expect([...worker.hellos[0].executors].sort()).toEqual(['claude-code', 'codex', 'gemini-cli', 'patch-agent']);
  });

  it('Claude Code writes a file with its Write tool, the branch is pushed; a follow-up resumes the session', async () => {
    anthropic.addScenario({ match: 'claude: add a greeting', model: 'claude-fake', turns: [
      { text: 'Writing the greeting.', toolCalls: [{ name: 'Write', arguments: { file_path: join(wsPath(seq + 1), 'greeting.txt'), content: 'hello from claude\n' } }], usage: { prompt_tokens: 120, completion_tokens: 12 } },
      { text: 'Added greeting.txt.', usage: { prompt_tokens: 150, completion_tokens: 6 } },
    ] });
    const first = await run({ executor: 'claude-code', model: 'claude-fake', instruction: 'claude: add a greeting' });
    expect(first.result).toMatchObject({ outcome: 'succeeded', branch: first.a.branch, summary: 'Added greeting.txt.' });
    expect(await gitServer.readFile('app', first.a.branch, 'greeting.txt')).toBe('hello from claude\n');
    // Only the agent's edit is committed: the CLI's own state lives in the scratch HOME.
    expect(first.result.files.map((f) => f.path)).toEqual(['greeting.txt']);
    expect(first.result.agentSession).toMatch(/^[0-9a-f-]{36}$/);
    expectCleanLog(worker.runs.get(first.a.runId)!);
    expect(first.events).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'tool_call', name: 'Write' }),
      expect.objectContaining({ type: 'tool_result', isError: false }),
      expect.objectContaining({ type: 'usage', inputTokens: 270, outputTokens: 18 }),
    ]));
    // The CLI reached the model only through the gateway with the run token; upstream saw the real key.
    const calls = anthropic.requests.filter((r) => r.scenario === 'claude: add a greeting');
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.headers['x-api-key'] === UPSTREAM_KEY)).toBe(true);
    expect(worker.llmRequests.filter((r) => r.runId === first.a.runId).every((r) => r.status < 400)).toBe(true);

    anthropic.addScenario({ match: 'claude: now a farewell', model: 'claude-fake', turns: [
      { toolCalls: [{ name: 'Write', arguments: { file_path: join(wsPath(seq + 1), 'farewell.txt'), content: 'bye\n' } }] },
      { text: 'Added farewell.txt.' },
    ] });
    const second = await run({ executor: 'claude-code', model: 'claude-fake', instruction: 'claude: now a farewell', baseRef: first.a.branch, resumeSession: first.result.agentSession });
    expect(second.result).toMatchObject({ outcome: 'succeeded', agentSession: first.result.agentSession });
    expect(await gitServer.readFile('app', second.a.branch, 'farewell.txt')).toBe('bye\n');
    expect(second.result.files.map((f) => f.path)).toEqual(['farewell.txt']);
    expect(await gitServer.readFile('app', second.a.branch, 'greeting.txt')).toBe('hello from claude\n');
    const resumed = anthropic.requests.find((r) => r.scenario === 'claude: now a farewell');
    expect(conversationText(resumed!)).toContain('claude: add a greeting');
    expect(conversationText(resumed!)).toContain('Writing the greeting.');
    expect(second.events.some((e) => e.type === 'log' && /fresh session/.test(e.message))).toBe(false);
  }, 2 * RUN_TIMEOUT_MS);

  it('Codex edits through its shell tool, the branch is pushed; a follow-up resumes the thread', async () => {
    openai.addScenario({ match: 'codex: add a note', model: 'gpt-fake', turns: [
      { text: 'Writing the note.', toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'noted\\n' > note.txt" } }], usage: { prompt_tokens: 200, completion_tokens: 20 } },
      { text: 'Added note.txt.', usage: { prompt_tokens: 260, completion_tokens: 5 } },
    ] });
    const first = await run({ executor: 'codex', model: 'gpt-fake', instruction: 'codex: add a note' });
    expect(first.result).toMatchObject({ outcome: 'succeeded', summary: 'Added note.txt.' });
    expect(await gitServer.readFile('app', first.a.branch, 'note.txt')).toBe('noted\n');
    expect(first.result.files.map((f) => f.path)).toEqual(['note.txt']);
    expect(first.result.agentSession).toMatch(/^[0-9a-f-]{36}$/);
    expectCleanLog(worker.runs.get(first.a.runId)!);
    expect(first.events).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'tool_call', name: 'shell' }),
      expect.objectContaining({ type: 'usage', inputTokens: 460, outputTokens: 25 }),
    ]));
    const calls = openai.requests.filter((r) => r.scenario === 'codex: add a note');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((c) => c.path === '/v1/responses' && c.headers.authorization === `Bearer ${UPSTREAM_KEY}`)).toBe(true);

    openai.addScenario({ match: 'codex: append a line', model: 'gpt-fake', turns: [
      { toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'more\\n' >> note.txt" } }] },
      { text: 'Appended.' },
    ] });
    const second = await run({ executor: 'codex', model: 'gpt-fake', instruction: 'codex: append a line', baseRef: first.a.branch, resumeSession: first.result.agentSession });
    expect(second.result).toMatchObject({ outcome: 'succeeded', agentSession: first.result.agentSession });
    expect(await gitServer.readFile('app', second.a.branch, 'note.txt')).toBe('noted\nmore\n');
    const resumed = openai.requests.find((r) => r.scenario === 'codex: append a line');
    expect(conversationText(resumed!)).toContain('codex: add a note');
    expect(conversationText(resumed!)).toContain('Writing the note.');
  }, 2 * RUN_TIMEOUT_MS);

  it('Gemini CLI writes a file with write_file, the branch is pushed; a follow-up resumes the session', async () => {
    gemini.addScenario({ match: 'gemini: add a poem', model: 'gemini-fake', turns: [
      { text: 'Writing the poem.', toolCalls: [{ name: 'write_file', arguments: { file_path: join(wsPath(seq + 1), 'poem.txt'), content: 'roses\n' } }], usage: { prompt_tokens: 300, completion_tokens: 30 } },
      { text: 'Added poem.txt.', usage: { prompt_tokens: 340, completion_tokens: 4 } },
    ] });
    const first = await run({ executor: 'gemini-cli', model: 'gemini-fake', instruction: 'gemini: add a poem' });
    expect(first.result).toMatchObject({ outcome: 'succeeded', summary: 'Added poem.txt.' });
    expect(await gitServer.readFile('app', first.a.branch, 'poem.txt')).toBe('roses\n');
    expect(first.result.files.map((f) => f.path)).toEqual(['poem.txt']);
    expect(first.result.agentSession).toMatch(/^[0-9a-f-]{36}$/);
    expectCleanLog(worker.runs.get(first.a.runId)!);
    expect(first.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'tool_call', name: 'write_file' })]));
    const calls = gemini.requests.filter((r) => r.scenario === 'gemini: add a poem');
    expect(calls.every((c) => c.headers['x-goog-api-key'] === UPSTREAM_KEY)).toBe(true);

    gemini.addScenario({ match: 'gemini: one more verse', model: 'gemini-fake', turns: [
      { toolCalls: [{ name: 'write_file', arguments: { file_path: join(wsPath(seq + 1), 'poem.txt'), content: 'roses\nviolets\n' } }] },
      { text: 'Added a verse.' },
    ] });
    const second = await run({ executor: 'gemini-cli', model: 'gemini-fake', instruction: 'gemini: one more verse', baseRef: first.a.branch, resumeSession: first.result.agentSession });
    expect(second.result).toMatchObject({ outcome: 'succeeded' });
    expect(second.result.agentSession).toMatch(/^[0-9a-f-]{36}$/);
    expect(await gitServer.readFile('app', second.a.branch, 'poem.txt')).toBe('roses\nviolets\n');
    const resumed = gemini.requests.find((r) => r.scenario === 'gemini: one more verse');
    expect(conversationText(resumed!)).toContain('gemini: add a poem');
    expect(conversationText(resumed!)).toContain('Writing the poem.');
    expect(second.events.some((e) => e.type === 'log' && /fresh session/.test(e.message))).toBe(false);
  }, 2 * RUN_TIMEOUT_MS);

  it('a follow-up whose session is not on this runner starts fresh with the conversation so far', async () => {
    openai.addScenario({ match: 'codex: continue elsewhere', model: 'gpt-fake', turns: [{ text: 'Continuing.' }] });
    const r = await run({
      executor: 'codex', model: 'gpt-fake', instruction: 'codex: continue elsewhere', resumeSession: '01a20000-0000-7000-8000-000000000000',
      history: [{ role: 'user', content: 'earlier: add a changelog' }, { role: 'assistant', content: 'earlier: added CHANGELOG.md' }],
    });
    expect(r.result).toMatchObject({ outcome: 'succeeded' });
    expect(r.result.agentSession).not.toBe('01a20000-0000-7000-8000-000000000000');
    expect(r.events.some((e) => e.type === 'log' && /not stored on this runner/.test(e.message))).toBe(true);
    const req = openai.requests.find((q) => q.scenario === 'codex: continue elsewhere')!;
    expect(conversationText(req)).toContain('earlier: add a changelog');
    expect(conversationText(req)).toContain('earlier: added CHANGELOG.md');
  }, RUN_TIMEOUT_MS);

  it('each CLI refuses git writes by its own settings; the runs still succeed with only the file edit', async () => {
    const commit = 'git -c user.name=x -c user.email=x@y commit --allow-empty -m sneaky';
    anthropic.addScenario({ match: 'claude: try git', model: 'claude-fake', turns: [
      { toolCalls: [{ name: 'Bash', arguments: { command: 'git commit --allow-empty -m sneaky', description: 'commit' } }] },
      { toolCalls: [{ name: 'Bash', arguments: { command: commit, description: 'commit' } }] },
      { toolCalls: [{ name: 'Bash', arguments: { command: 'echo ok > bash.txt', description: 'write' } }] },
      { text: 'Done.' },
    ] });
    openai.addScenario({ match: 'codex: try git', model: 'gpt-fake', turns: [
      { toolCalls: [{ name: 'exec_command', arguments: { cmd: 'git commit --allow-empty -m sneaky' } }] },
      { toolCalls: [{ name: 'exec_command', arguments: { cmd: 'echo ok > shell.txt' } }] },
      { text: 'Done.' },
    ] });
    gemini.addScenario({ match: 'gemini: try git', model: 'gemini-fake', turns: [
      { toolCalls: [{ name: 'run_shell_command', arguments: { command: commit } }] },
      { toolCalls: [{ name: 'run_shell_command', arguments: { command: 'echo ok > shell.txt' } }] },
      { text: 'Done.' },
    ] });
    const [c, x, g] = await Promise.all([
      run({ executor: 'claude-code', model: 'claude-fake', instruction: 'claude: try git' }),
      run({ executor: 'codex', model: 'gpt-fake', instruction: 'codex: try git' }),
      run({ executor: 'gemini-cli', model: 'gemini-fake', instruction: 'gemini: try git' }),
    ]);
    for (const r of [c, x, g]) expect(r.result.outcome, r.result.error).toBe('succeeded');
    expect(c.result.files.map((f) => f.path)).toEqual(['bash.txt']);
    expect(x.result.files.map((f) => f.path)).toEqual(['shell.txt']);
    expect(g.result.files.map((f) => f.path)).toEqual(['shell.txt']);
    const claudeDenied = c.events.filter((e) => e.type === 'tool_result' && e.isError);
    expect(claudeDenied).toHaveLength(2);
    expect(g.events.filter((e) => e.type === 'tool_result' && e.isError)).toEqual([expect.objectContaining({ output: 'Tool execution denied by policy.' })]);
    const codexAfter = openai.requests.filter((r) => r.scenario === 'codex: try git').at(-1)!;
    expect(conversationText(codexAfter)).toContain('dursor commits and pushes the changes itself');
    // The branch is the base plus dursor's one commit (an agent commit would also have failed the .git policy).
    for (const r of [c, x, g]) expect(await gitServer.revParse('app', `${r.a.branch}~1`)).toBe(r.result.baseCommit);
  }, 2 * RUN_TIMEOUT_MS);

  it('a CLI that is not installed: the runner refuses the assignment; a binary gone since detection fails the run readably', async () => {
    const a = worker.assign({ cloneUrl: repoUrl, instruction: 'cursor please', executor: { id: 'cursor-agent', directApiKey: 'cursor-key-secret-1' } });
    const reject = await worker.waitFor(() => worker.poolMessages.find((m) => m.type === 'reject' && m.runId === a.runId), 'reject');
    expect(reject).toMatchObject({ reason: 'executor cursor-agent is not installed on this runner' });

    // Uninstalled after detection: the run fails with a readable reason, and nothing is pushed.
    const gone = join(workDir, 'missing-bin', 'claude');
    const installed = executors.get('claude-code')!;
    executors.set('claude-code', new CliExecutor(claudeCode, { binPath: gone }));
    const failed = await run({ executor: 'claude-code', model: 'claude-fake', instruction: 'claude: unreachable' }).finally(() => executors.set('claude-code', installed));
    expect(failed.result).toMatchObject({ outcome: 'failed', error: `claude-code is not installed on this runner (${gone} not found)` });
    expect(await gitServer.listBranches('app')).not.toContain(failed.a.branch);
  });

  it('a CLI killed mid-stream fails its run with the reason; a parallel attempt on another CLI is unaffected', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    anthropic.addScenario({ match: 'claude: stall forever', model: 'claude-fake', turns: [{ text: 'Thinking very hard', hold }] });
    openai.addScenario({ match: 'codex: parallel note', model: 'gpt-fake', turns: [
      { toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'side\\n' > side.txt" } }] },
      { text: 'Wrote side.txt.' },
    ] });
    const stalledId = `run_cli_${++seq}`;
    const stalled = worker.assign({ cloneUrl: repoUrl, runId: stalledId, instruction: 'claude: stall forever', model: 'claude-fake', executor: { id: 'claude-code' } });
    const parallel = run({ executor: 'codex', model: 'gpt-fake', instruction: 'codex: parallel note' });
    // The CLI is streaming (the fake holds its first turn open): kill it like an OOM killer would.
    await waitFor('claude streaming', () => anthropic.requests.some((r) => r.scenario === 'claude: stall forever'), RUN_TIMEOUT_MS, 50);
    const pid = await waitFor('claude process', () => processIn(wsPath(seq - 1)), 10_000, 50);
    process.kill(pid, 'SIGKILL');
    const result = await worker.waitFor(() => worker.runs.get(stalledId)?.result, 'stalled result', RUN_TIMEOUT_MS);
    release();
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/^claude-code was killed by SIGKILL/);
    expect(result.error).not.toContain(stalled.runToken);
    expect(await gitServer.listBranches('app')).not.toContain(stalled.branch);
    const other = await parallel;
    expect(other.result).toMatchObject({ outcome: 'succeeded', summary: 'Wrote side.txt.' });
    expect(await gitServer.readFile('app', other.a.branch, 'side.txt')).toBe('side\n');
  }, 2 * RUN_TIMEOUT_MS);

  it('no run token or upstream key reached the runner log', () => {
    const text = logs.join('\n');
    expect(text).not.toContain(UPSTREAM_KEY);
    for (const r of worker.runs.values()) expect(text).not.toContain(r.assignment.runToken);
    expect(text).not.toMatch(/drt_[A-Za-z0-9]{8,}/);
  });
});
