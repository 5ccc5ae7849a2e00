/**
 * The runner process's side of credential rotation (issue 11), against the fake Worker rotating
 * like the real one: the credential a connection is given is saved (0600) before it is confirmed
 * and used; redials, run sockets, git credentials and restarts use the saved one (the old one is
 * dead in the fake once confirmed, so any use of it would stop the runner); `--credential` resumes
 * from the rotated one on restart.
 */
import { describe, expect, it } from 'vitest';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { useProcessWorld } from './runner-process-kit.ts';
import { RunnerCredential } from '../src/credential.ts';


const stored = async (state: string) => JSON.parse(await readFile(join(state, 'runner.json'), 'utf8')) as { credential: string; given?: string };

describe('runner credential rotation (runner process)', () => {
  const world = useProcessWorld({ git: { auth: (_user, pass) => pass === 'ghs_fake_token_for_rotation' }, worker: { rotateCredentials: true } });

  it('saves each rotated credential before using it, and redials, fetches git credentials and restarts with it', async () => {
    const state = join(world.dir, 'state');
    const args = ['--url', world.worker.url, '--token', world.worker.registrationToken, '--name', 'rotating', '--state-dir', state, '--work-dir', join(world.dir, 'work'), '--slots', '1'];
    const first = world.start(args);
    await world.worker.waitFor(() => world.worker.poolMessages.some((m) => m.type === 'credentialSaved'), 'the rotated credential confirmed', 15_000);
    expect(world.worker.hellos[0].rotatesCredential).toBe(true);
    const [rotated] = world.worker.rotatedTo;
    expect((await stored(state)).credential).toBe(rotated);
    expect((await stat(join(state, 'runner.json'))).mode & 0o777).toBe(0o600);
    expect(world.worker.credentials.has(world.worker.registrations[0].credential)).toBe(false);

    // A dropped pool socket: the runner comes back with the saved credential, and is rotated again.
    world.worker.dropPoolSocket();
    await world.worker.waitFor(() => world.worker.poolMessages.filter((m) => m.type === 'credentialSaved').length >= 2, 'the second rotation confirmed', 15_000);
    expect(world.worker.poolDials).toEqual([world.worker.registrations[0].credential, rotated]);

    // A run whose repo needs credentials asks for them with the current one.
    const repoUrl = await world.gitServer.createRepo('rotated-git', { 'README.md': '# hi\n' });
    world.worker.setGitCredential('*', () => ({ username: 'x-access-token', password: 'ghs_fake_token_for_rotation' }));
    world.provider.addScenario({ match: 'rotate and run', turns: [{ text: 'Done.' }] });
    const a = world.worker.assign({ cloneUrl: repoUrl, instruction: 'rotate and run', credentials: 'worker' });
    await world.worker.waitFor(() => world.worker.runs.get(a.runId)?.result, 'the run result', 60_000);
    expect(world.worker.gitCredentialRequests.filter((r) => r.runId === a.runId).length).toBeGreaterThan(0);
    expect(world.worker.gitCredentialRequests.every((r) => r.status === 200)).toBe(true);

    // Restart: the process presents the credential in its state file, the one still valid.
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    const second = world.start(args);
    await world.worker.waitFor(() => world.worker.poolDials.length >= 3, 'the restarted runner to dial', 15_000);
    expect(world.worker.poolDials[2]).toBe(world.worker.rotatedTo[1]);
    await world.worker.waitFor(() => world.worker.poolMessages.filter((m) => m.type === 'credentialSaved').length >= 3, 'the restart rotated', 15_000);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(world.worker.registrations).toHaveLength(1);
  });

  it('--credential resumes from the rotated credential on restart instead of the dead original', async () => {
    const given = 'drc_given_on_the_command_line_0123';
    world.worker.credentials.add(given);
    const state = join(world.dir, 'given-state');
    const args = ['--url', world.worker.url, '--credential', given, '--name', 'given', '--state-dir', state, '--work-dir', join(world.dir, 'given-work'), '--slots', '1'];
    const before = world.worker.rotatedTo.length;
    const first = world.start(args);
    // Confirmed (so the given one is dead) only after the rotated one is in the state file.
    await world.worker.waitFor(() => world.worker.rotatedTo.length > before && !world.worker.credentials.has(given), 'the given credential rotated away', 15_000);
    expect((await stored(state)).credential).toBe(world.worker.rotatedTo[before]);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const dials = world.worker.poolDials.length;
    const second = world.start(args);
    await world.worker.waitFor(() => world.worker.poolDials.length > dials, 'the restarted runner to dial', 15_000);
    expect(world.worker.poolDials[dials]).toBe(world.worker.rotatedTo[before]);
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
