/**
 * The shared CLI executor against a stand-in `claude` (fixtures/cli/fake-claude.mjs): scrubbed env,
 * session id reported and stored, resume from the store, fallback to a fresh session with the
 * conversation when the session is gone, readable failures (crash, kill, not installed) with
 * secrets redacted, and cancel reaching the whole process group.
 */
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliExecutor } from '../src/executors/cli/cli-executor.ts';
import { claudeCode } from '../src/executors/claude-code/claude-code.ts';
import type { ExecutorEvent, ExecutorRequest } from '../src/executors/types.ts';
import { WELL_KNOWN } from '../../testkit/src/secret-samples.ts';

let dir: string;
let bin: string;
const RUNNER_SECRETS = { DURSOR_RUNNER_CREDENTIAL: 'drc_runner_secret_abcdef', DURSOR_REGISTRATION_TOKEN: 'drr_registration_abcdef', OPENAI_API_KEY: 'sk-inherited-provider-key-123', ANTHROPIC_API_KEY: 'sk-ant-inherited-456789' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-proc-'));
  bin = join(dir, 'claude');
  await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${join(import.meta.dirname, 'fixtures', 'cli', 'fake-claude.mjs')}" "$@"\n`);
  await chmod(bin, 0o755);
  Object.assign(process.env, RUNNER_SECRETS);
});
afterAll(async () => {
  for (const k of Object.keys(RUNNER_SECRETS)) delete process.env[k];
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function request(instruction: string, extra: Partial<ExecutorRequest> = {}, spec: Partial<ExecutorRequest['spec']> = {}): Promise<ExecutorRequest> {
  const ws = await mkdtemp(join(dir, 'ws-'));
  return {
    runId: `run_${++n}`, workspaceDir: ws, instruction, stateDir: join(dir, 'state'),
    spec: { id: 'claude-code', provider: 'anthropic', model: 'claude-fake', gatewayPath: '/v1/llm/anthropic', ...spec },
    limits: { maxTurns: 5, maxTokens: 1000, maxFileBytes: 1000 }, gatewayBaseUrl: 'http://127.0.0.1:1', runToken: 'drt_run_token_secret_1', ...extra,
  };
}

async function collect(ex: CliExecutor, req: ExecutorRequest, signal = new AbortController().signal) {
  const events: ExecutorEvent[] = [];
  let error: Error | null = null;
  try {
    for await (const e of ex.run(req, signal)) events.push(e);
  } catch (e) {
    error = e as Error;
  }
  return { events, error };
}

const calls = async (ws: string) => (await readFile(join(ws, '.calls.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

describe('CLI executor process handling', () => {
  const ex = () => new CliExecutor(claudeCode, { binPath: bin, graceMs: 300 });

  it('spawns in the workspace with a scrubbed env, maps the stream, reports and stores the session', async () => {
    const req = await request('add hello');
    const { events, error } = await collect(ex(), req);
    expect(error).toBeNull();
    expect(events).toEqual([
      { type: 'session', id: 'sess-1' },
      { type: 'tool_call', callId: 't1', name: 'Write', input: { file_path: 'hello.txt', content: 'hi\n' } },
      { type: 'tool_result', callId: 't1', output: 'File created', isError: false },
      { type: 'text', text: 'Done.' },
      { type: 'usage', inputTokens: 15, outputTokens: 3 },
    ]);
    const [call] = await calls(req.workspaceDir);
    const env = call.env as Record<string, string>;
    const json = JSON.stringify(env);
    for (const secret of Object.values(RUNNER_SECRETS)) expect(json).not.toContain(secret);
    expect(Object.keys(env).filter((k) => k.startsWith('DURSOR_'))).toEqual([]);
    expect(env.ANTHROPIC_API_KEY).toBe('drt_run_token_secret_1');
    expect(env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:1/v1/llm/anthropic');
    expect(env.HOME.startsWith(join(dir, 'state', 'scratch'))).toBe(true);
    expect(env.HOME.startsWith(req.workspaceDir)).toBe(false);
    // The scratch HOME is gone; the session file was kept for a follow-up.
    expect(await readdir(join(dir, 'state', 'scratch'))).toEqual([]);
    expect(await readdir(join(dir, 'state', 'sessions', 'claude-code'))).toContain('sess-1');
  });

  it('a follow-up resumes the stored session, placed under the new workspace', async () => {
    const req = await request('more please', {}, { resumeSession: 'sess-1' });
    const { events, error } = await collect(ex(), req);
    expect(error).toBeNull();
    const [call] = await calls(req.workspaceDir);
    expect(call.resume).toBe('sess-1');
    expect(call.resumedFileFound).toBe(true);
    expect(events[0]).toEqual({ type: 'session', id: 'sess-1' });
  });

  it('falls back to a fresh session with the conversation when the session is gone', async () => {
    const history = [{ role: 'user' as const, content: 'add hello' }, { role: 'assistant' as const, content: 'Done.' }];
    const req = await request('session #gone now', { history }, { resumeSession: 'sess-1' });
    const { events, error } = await collect(ex(), req);
    expect(error).toBeNull();
    const c = await calls(req.workspaceDir);
    expect(c.map((x) => x.resume)).toEqual(['sess-1', null]);
    expect(c[1].argv.at(-1)).toContain('[user]\nadd hello');
    expect(c[1].argv.at(-1)).toContain('New instruction:\nsession #gone now');
    expect(events.find((e) => e.type === 'log')).toMatchObject({ level: 'warn', message: expect.stringContaining('No conversation found with session ID: sess-1') });
    // Nothing of the failed resume reached the run's events but that warning.
    expect(events.filter((e) => e.type === 'session')).toEqual([{ type: 'session', id: 'sess-1' }]);
    expect(events.filter((e) => e.type === 'text')).toEqual([{ type: 'text', text: 'Done.' }]);
  });

  it('a session not stored on this runner starts fresh with the conversation at once', async () => {
    const req = await request('continue', { history: [{ role: 'user', content: 'first' }] }, { resumeSession: 'other-runner-session' });
    const { error, events } = await collect(ex(), req);
    expect(error).toBeNull();
    const c = await calls(req.workspaceDir);
    expect(c).toHaveLength(1);
    expect(c[0].resume).toBeNull();
    expect(c[0].argv.at(-1)).toContain('[user]\nfirst');
    expect(events[0]).toMatchObject({ type: 'log', message: expect.stringContaining('not stored on this runner') });
  });

  it('a run continuing after its runner was lost (a resume) starts the CLI over and says so', async () => {
    const call = { id: 'c1', name: 'write_file', args: '{"path":"a","content":"a"}' };
    const req = await request('add hello', { resume: { turns: [{ text: 'Writing.', calls: [call] }], baseCommit: 'abc' } });
    const { events, error } = await collect(ex(), req);
    expect(error).toBeNull();
    expect(events[0]).toEqual({ type: 'log', level: 'info', message: 'this run continues after its runner was lost; claude-code keeps its session on the machine it ran on, so it starts over from the instruction' });
    expect((await calls(req.workspaceDir))[0].argv.at(-1)).toBe('add hello');
    expect(events.some((e) => e.type === 'tool_call')).toBe(true);
  });

  it('a crash mid-stream fails with the exit code and the last stderr lines, the run token redacted', async () => {
    const req = await request('please #crash');
    const { events, error } = await collect(ex(), req);
    expect(events.filter((e) => e.type === 'text')).toEqual([{ type: 'text', text: 'Starting.' }]);
    expect(error?.message).toBe('claude-code exited with code 3: connecting with key [redacted]\nError: upstream stream reset');
  });

  it('a CLI killed by a signal fails saying so', async () => {
    const { error } = await collect(ex(), await request('get #killed'));
    expect(error?.message).toMatch(/^claude-code was killed by SIGKILL/);
  });

  it('a CLI that is not installed fails readably', async () => {
    const missing = new CliExecutor(claudeCode, { binPath: join(dir, 'nope', 'claude') });
    const { error } = await collect(missing, await request('x'));
    expect(error?.message).toBe(`claude-code is not installed on this runner (${join(dir, 'nope', 'claude')} not found)`);
  });

  it('cancel: SIGTERM to the group, SIGKILL after the grace period, no process left', async () => {
    const req = await request('#hang around');
    const ctl = new AbortController();
    const started = Date.now();
    const run = collect(ex(), req, ctl.signal);
    // Wait for the process to start and write its pids.
    let pids: number[] = [];
    for (let i = 0; i < 100 && pids.length === 0; i++) {
      pids = await readFile(join(req.workspaceDir, '.pids'), 'utf8').then((s) => JSON.parse(s), () => []);
      if (!pids.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(pids).toHaveLength(2);
    ctl.abort();
    const { error } = await run;
    expect(error).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    for (let i = 0; i < 40 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
  });

  it('keeps session files without the secrets the agent printed (its key, well-known shapes)', async () => {
    const shapes = [WELL_KNOWN.github, WELL_KNOWN.openai, WELL_KNOWN.google];
    const req = await request(`print them #leak ${shapes.join(' ')}`);
    const { error } = await collect(ex(), req);
    expect(error).toBeNull();
    const stored = join(dir, 'state', 'sessions', 'claude-code', 'sess-1');
    const files = await readdir(stored, { recursive: true, withFileTypes: true });
    const texts = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
    const all = texts.join('\n');
    expect(all).toContain('my key is [redacted] and I found [redacted] [redacted] [redacted]');
    for (const secret of [req.runToken, ...shapes]) expect(all).not.toContain(secret);
  });
});
