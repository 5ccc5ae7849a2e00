/**
 * The runner process's side of credential rotation (issue 11), against the fake Worker rotating
 * like the real one: the credential a connection is given is saved (0600) before it is confirmed
 * and used; redials, run sockets, git credentials and restarts use the saved one (the old one is
 * dead in the fake once confirmed, so any use of it would stop the runner); `--credential` resumes
 * from the rotated one on restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeOpenAI, startFakeWorker, startGitServer, type FakeOpenAI, type FakeWorker, type GitServer } from '../../testkit/src/index.ts';
import { RunnerCredential } from '../src/credential.ts';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');

interface Proc { child: ChildProcess; out: string[]; exit: Promise<number | null> }
function startRunner(args: string[]): Proc {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  child.stdout!.on('data', (d) => out.push(String(d)));
  child.stderr!.on('data', (d) => out.push(String(d)));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out, exit };
}

const stored = async (state: string) => JSON.parse(await readFile(join(state, 'runner.json'), 'utf8')) as { credential: string; given?: string };

describe('runner credential rotation (runner process)', () => {
  let provider: FakeOpenAI;
  let gitServer: GitServer;
  let worker: FakeWorker;
  let dir: string;
  const procs: Proc[] = [];
  beforeAll(async () => {
    provider = await startFakeOpenAI();
    gitServer = await startGitServer({ auth: (_user, pass) => pass === 'ghs_fake_token_for_rotation' });
    worker = await startFakeWorker({ upstream: provider.url, leaseMs: 3_000, rotateCredentials: true });
    dir = await mkdtemp(join(tmpdir(), 'runner-cred-'));
  });
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await worker.close();
    await gitServer.close();
    await provider.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('saves each rotated credential before using it, and redials, fetches git credentials and restarts with it', async () => {
    const state = join(dir, 'state');
    const args = ['--url', worker.url, '--token', worker.registrationToken, '--name', 'rotating', '--state-dir', state, '--work-dir', join(dir, 'work'), '--slots', '1'];
    const first = startRunner(args);
    procs.push(first);
    await worker.waitFor(() => worker.poolMessages.some((m) => m.type === 'credentialSaved'), 'the rotated credential confirmed', 15_000);
    expect(worker.hellos[0].rotatesCredential).toBe(true);
    const [rotated] = worker.rotatedTo;
    expect((await stored(state)).credential).toBe(rotated);
    expect((await stat(join(state, 'runner.json'))).mode & 0o777).toBe(0o600);
    expect(worker.credentials.has(worker.registrations[0].credential)).toBe(false);

    // A dropped pool socket: the runner comes back with the saved credential, and is rotated again.
    worker.dropPoolSocket();
    await worker.waitFor(() => worker.poolMessages.filter((m) => m.type === 'credentialSaved').length >= 2, 'the second rotation confirmed', 15_000);
    expect(worker.poolDials).toEqual([worker.registrations[0].credential, rotated]);

    // A run whose repo needs credentials asks for them with the current one.
    const repoUrl = await gitServer.createRepo('rotated-git', { 'README.md': '# hi\n' });
    worker.setGitCredential('*', () => ({ username: 'x-access-token', password: 'ghs_fake_token_for_rotation' }));
    provider.addScenario({ match: 'rotate and run', turns: [{ text: 'Done.' }] });
    const a = worker.assign({ cloneUrl: repoUrl, instruction: 'rotate and run', credentials: 'worker' });
    await worker.waitFor(() => worker.runs.get(a.runId)?.result, 'the run result', 60_000);
    expect(worker.gitCredentialRequests.filter((r) => r.runId === a.runId).length).toBeGreaterThan(0);
    expect(worker.gitCredentialRequests.every((r) => r.status === 200)).toBe(true);

    // Restart: the process presents the credential in its state file, the one still valid.
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    const second = startRunner(args);
    procs.push(second);
    await worker.waitFor(() => worker.poolDials.length >= 3, 'the restarted runner to dial', 15_000);
    expect(worker.poolDials[2]).toBe(worker.rotatedTo[1]);
    await worker.waitFor(() => worker.poolMessages.filter((m) => m.type === 'credentialSaved').length >= 3, 'the restart rotated', 15_000);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(worker.registrations).toHaveLength(1);
  });

  it('--credential resumes from the rotated credential on restart instead of the dead original', async () => {
    const given = 'drc_given_on_the_command_line_0123';
    worker.credentials.add(given);
    const state = join(dir, 'given-state');
    const args = ['--url', worker.url, '--credential', given, '--name', 'given', '--state-dir', state, '--work-dir', join(dir, 'given-work'), '--slots', '1'];
    const before = worker.rotatedTo.length;
    const first = startRunner(args);
    procs.push(first);
    // Confirmed (so the given one is dead) only after the rotated one is in the state file.
    await worker.waitFor(() => worker.rotatedTo.length > before && !worker.credentials.has(given), 'the given credential rotated away', 15_000);
    expect((await stored(state)).credential).toBe(worker.rotatedTo[before]);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const dials = worker.poolDials.length;
    const second = startRunner(args);
    procs.push(second);
    await worker.waitFor(() => worker.poolDials.length > dials, 'the restarted runner to dial', 15_000);
    expect(worker.poolDials[dials]).toBe(worker.rotatedTo[before]);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('keeps the old credential when the new one cannot be saved, and never uses an unsaved one', async () => {
    let saves = 0;
    const cred = new RunnerCredential('drc_old_credential_value', {
      save: async () => {
        saves++;
        throw new Error('disk full');
      },
    });
    await expect(cred.rotate('drc_new_credential_value')).rejects.toThrow('disk full');
    expect(cred.current).toBe('drc_old_credential_value');
    expect(cred.rotations).toBe(0);
    await cred.settled();
    expect(saves).toBe(1);

    // A dial waits for a save in flight and then reads the saved one.
    let finish!: () => void;
    const slow = new RunnerCredential('drc_old_credential_value', { save: () => new Promise<void>((r) => (finish = r)) });
    const rotating = slow.rotate('drc_saved_credential_value');
    let dialled: string | undefined;
    const dial = slow.settled().then(() => (dialled = slow.current));
    await new Promise((r) => setTimeout(r, 20));
    expect(dialled).toBeUndefined();
    expect(slow.current).toBe('drc_old_credential_value');
    finish();
    await Promise.all([rotating, dial]);
    expect(dialled).toBe('drc_saved_credential_value');
  });
});
