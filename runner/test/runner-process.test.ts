import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeOpenAI, startFakeWorker, startGitServer, type FakeOpenAI, type FakeWorker, type GitServer } from '../../testkit/src/index.ts';
import { CLOSE_CODES } from '../../protocol/src/index.ts';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');

interface Proc { child: ChildProcess; out: string[]; exit: Promise<number | null> }
function startRunner(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  child.stdout!.on('data', (d) => out.push(String(d)));
  child.stderr!.on('data', (d) => out.push(String(d)));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out, exit };
}
const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`timed out: ${what}`)), ms))]);

describe('runner process (node runner/src/main.ts)', () => {
  let provider: FakeOpenAI;
  let gitServer: GitServer;
  let worker: FakeWorker;
  let dir: string;
  const procs: Proc[] = [];
  beforeAll(async () => {
    provider = await startFakeOpenAI();
    gitServer = await startGitServer();
    worker = await startFakeWorker({ upstream: provider.url, leaseMs: 3_000 });
    dir = await mkdtemp(join(tmpdir(), 'runner-proc-'));
  });
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await worker.close();
    await gitServer.close();
    await provider.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 with a readable message on bad flags', async () => {
    const p = startRunner(['--url', 'http://127.0.0.1:1', '--slots', 'lots']);
    expect(await within(p.exit, 10_000, 'exit')).toBe(2);
    expect(p.out.join('')).toContain('dursor-runner: --slots must be a whole number, got "lots"');
    expect(p.out.join('')).not.toMatch(/\n\s+at /);
  });

  it('registers once (credential stored 0600, reused), drains on SIGTERM, never logs secrets', async () => {
    const state = join(dir, 'state');
    const args = ['--url', worker.url, '--token', worker.registrationToken, '--name', 'proc-runner', '--state-dir', state, '--work-dir', join(dir, 'work'), '--slots', '1'];
    const first = startRunner(args);
    procs.push(first);
    await worker.waitFor(() => worker.hellos.some((h) => h.name === 'proc-runner'), 'hello from the process', 15_000);
    expect(worker.registrations).toHaveLength(1);
    const saved = JSON.parse(await readFile(join(state, 'runner.json'), 'utf8'));
    expect(saved).toEqual({ url: worker.url, runnerId: 'rnr_1', credential: worker.registrations[0].credential });
    expect((await stat(join(state, 'runner.json'))).mode & 0o777).toBe(0o600);

    // SIGTERM while a run is in flight: the pool socket closes, the run still finishes, exit 0.
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const url = await gitServer.createRepo('proc', { 'a.txt': 'a\n' });
    provider.addScenario({ match: 'proc run', turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'p.txt', content: 'p\n' } }] }, { text: 'finished', hold }] });
    const a = worker.assign({ cloneUrl: url, instruction: 'proc run' });
    await worker.waitFor(() => provider.requests.filter((r) => JSON.stringify(r.body).includes('proc run')).length === 2, 'held turn', 15_000);
    const connections = worker.poolConnections;
    first.child.kill('SIGTERM');
    await worker.waitFor(() => first.out.join('').includes('draining'), 'draining log');
    await new Promise((r) => setTimeout(r, 300));
    expect(first.child.exitCode).toBeNull();
    release();
    expect(await within(first.exit, 15_000, 'drained exit')).toBe(0);
    expect(worker.runs.get(a.runId)!.result?.outcome).toBe('succeeded');
    expect(worker.poolConnections).toBe(connections);

    // Second start reuses the stored credential; two signals cancel the active run.
    const second = startRunner(args.filter((x) => x !== '--token' && x !== worker.registrationToken));
    procs.push(second);
    await worker.waitFor(() => worker.poolConnections > connections, 'second process connected', 15_000);
    await worker.waitFor(() => worker.hellos.filter((h) => h.name === 'proc-runner').length >= 2, 'second hello');
    expect(worker.registrations).toHaveLength(1);
    provider.addScenario({ match: 'proc cancel', turns: [{ text: 'forever', hold: new Promise(() => {}) }] });
    const b = worker.assign({ cloneUrl: url, instruction: 'proc cancel' });
    await worker.waitFor(() => provider.requests.some((r) => JSON.stringify(r.body).includes('proc cancel')), 'held call', 15_000);
    second.child.kill('SIGTERM');
    await worker.waitFor(() => second.out.join('').includes('draining'), 'draining log');
    second.child.kill('SIGINT');
    expect(await within(second.exit, 15_000, 'cancelled exit')).toBe(0);
    expect(worker.runs.get(b.runId)!.result).toMatchObject({ outcome: 'cancelled', error: 'cancelled: runner is shutting down' });

    const output = first.out.join('') + second.out.join('');
    for (const secret of [worker.registrationToken, saved.credential, a.runToken, b.runToken]) expect(output).not.toContain(secret);
    expect(output.split('\n').filter(Boolean).every((l) => l.startsWith('{'))).toBe(true);
  });

  it.each([
    ['protocol too old', { minProtocol: 99 }, 'refuses this runner\'s protocol version'],
    ['unknown credential (HTTP 401)', {}, 'refused the runner credential'],
    ['unknown credential (close 4003)', { unauthorized: 'close' as const }, 'refused the runner credential'],
  ])('exits 1 with a clear message when refused for good: %s', async (_name, opts, message) => {
    const w = await startFakeWorker(opts);
    try {
      const cred = 'drc_some_credential_value';
      if ('minProtocol' in opts) w.credentials.add(cred);
      const p = startRunner(['--url', w.url, '--credential', cred, '--state-dir', join(dir, 's2'), '--work-dir', join(dir, 'w2')]);
      procs.push(p);
      expect(await within(p.exit, 15_000, 'terminal exit')).toBe(1);
      const out = p.out.join('');
      expect(out).toContain(message);
      expect(out).not.toContain(cred);
      if ('minProtocol' in opts) expect(out).toContain(`close ${CLOSE_CODES.protocolTooOld}`);
    } finally {
      await w.close();
    }
  });

  it('exits 1 when the registration token is refused', async () => {
    const p = startRunner(['--url', worker.url, '--token', 'drr_wrong_token', '--state-dir', join(dir, 's3'), '--work-dir', join(dir, 'w3')]);
    expect(await within(p.exit, 15_000, 'exit')).toBe(1);
    expect(p.out.join('')).toContain('registration refused (401): registration token is invalid or expired');
    expect(p.out.join('')).not.toContain('drr_wrong_token');
  });
});
