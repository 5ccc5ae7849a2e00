import { describe, expect, it } from 'vitest';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { useProcessWorld } from './runner-process-kit.ts';
import { startFakeWorker } from '../../testkit/src/index.ts';
import { CLOSE_CODES } from '../../protocol/src/index.ts';

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`timed out: ${what}`)), ms))]);

describe('runner process (node runner/src/main.ts)', () => {
  const world = useProcessWorld();

  it('exits 2 with a readable message on bad flags', async () => {
    const p = world.start(['--url', 'http://127.0.0.1:1', '--slots', 'lots']);
    expect(await within(p.exit, 10_000, 'exit')).toBe(2);
    expect(p.out.join('')).toContain('dursor-runner: --slots must be a whole number, got "lots"');
    expect(p.out.join('')).not.toMatch(/\n\s+at /);
  });

  it('registers once (credential stored 0600, reused), drains on SIGTERM, never logs secrets', async () => {
    const state = join(world.dir, 'state');
    const args = ['--url', world.worker.url, '--token', world.worker.registrationToken, '--name', 'proc-runner', '--state-dir', state, '--work-dir', join(world.dir, 'work'), '--slots', '1'];
    const first = world.start(args);
    await world.worker.waitFor(() => world.worker.hellos.some((h) => h.name === 'proc-runner'), 'hello from the process', 15_000);
    expect(world.worker.registrations).toHaveLength(1);
    const saved = JSON.parse(await readFile(join(state, 'runner.json'), 'utf8'));
    expect(saved).toEqual({ url: world.worker.url, runnerId: 'rnr_1', credential: world.worker.registrations[0].credential });
    expect((await stat(join(state, 'runner.json'))).mode & 0o777).toBe(0o600);

    // SIGTERM while a run is in flight: the pool socket closes, the run still finishes, exit 0.
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const url = await world.gitServer.createRepo('proc', { 'a.txt': 'a\n' });
    world.provider.addScenario({ match: 'proc run', turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'p.txt', content: 'p\n' } }] }, { text: 'finished', hold }] });
    const a = world.worker.assign({ cloneUrl: url, instruction: 'proc run' });
    await world.worker.waitFor(() => world.provider.requests.filter((r) => JSON.stringify(r.body).includes('proc run')).length === 2, 'held turn', 15_000);
    const connections = world.worker.poolConnections;
    first.child.kill('SIGTERM');
    await world.worker.waitFor(() => first.out.join('').includes('draining'), 'draining log');
    await new Promise((r) => setTimeout(r, 300));
    expect(first.child.exitCode).toBeNull();
    release();
    expect(await within(first.exit, 15_000, 'drained exit')).toBe(0);
    expect(world.worker.runs.get(a.runId)!.result?.outcome).toBe('succeeded');
    expect(world.worker.poolConnections).toBe(connections);

    // Second start reuses the stored credential; two signals cancel the active run.
    const second = world.start(args.filter((x) => x !== '--token' && x !== world.worker.registrationToken));
    await world.worker.waitFor(() => world.worker.poolConnections > connections, 'second process connected', 15_000);
    await world.worker.waitFor(() => world.worker.hellos.filter((h) => h.name === 'proc-runner').length >= 2, 'second hello');
    expect(world.worker.registrations).toHaveLength(1);
    world.provider.addScenario({ match: 'proc cancel', turns: [{ text: 'forever', hold: new Promise(() => {}) }] });
    const b = world.worker.assign({ cloneUrl: url, instruction: 'proc cancel' });
    await world.worker.waitFor(() => world.provider.requests.some((r) => JSON.stringify(r.body).includes('proc cancel')), 'held call', 15_000);
    second.child.kill('SIGTERM');
    await world.worker.waitFor(() => second.out.join('').includes('draining'), 'draining log');
    second.child.kill('SIGINT');
    expect(await within(second.exit, 15_000, 'cancelled exit')).toBe(0);
    expect(world.worker.runs.get(b.runId)!.result).toMatchObject({ outcome: 'cancelled', error: 'cancelled: runner is shutting down' });

    const output = first.out.join('') + second.out.join('');
    for (const secret of [world.worker.registrationToken, saved.credential, a.runToken, b.runToken]) expect(output).not.toContain(secret);
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
      const p = world.start(['--url', w.url, '--credential', cred, '--state-dir', join(world.dir, 's2'), '--work-dir', join(world.dir, 'w2')]);
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
    const p = world.start(['--url', world.worker.url, '--token', 'drr_wrong_token', '--state-dir', join(world.dir, 's3'), '--work-dir', join(world.dir, 'w3')]);
    expect(await within(p.exit, 15_000, 'exit')).toBe(1);
    expect(p.out.join('')).toContain('registration refused (401): registration token is invalid or expired');
    expect(p.out.join('')).not.toContain('drr_wrong_token');
  });
});
