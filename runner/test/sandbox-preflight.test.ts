/**
 * sandbox/preflight.ts: the real bwrap on this machine (npm test's pre-flight installs bubblewrap),
 * and stand-in bwrap scripts for the ways a host refuses — missing, refusing namespaces (the exact
 * words bwrap prints inside a container), hanging — plus the runner process refusing to start.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSandboxSupport } from '../src/sandbox/preflight.ts';

const REFUSAL = 'bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces. On e.g. debian this can be enabled with \'sysctl kernel.unprivileged_userns_clone=1\'.';
let dir: string;

async function standIn(name: string, body: string): Promise<string> {
  const p = join(dir, name, 'bwrap');
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, `#!/bin/sh\n${body}\n`);
  await chmod(p, 0o755);
  return p;
}

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'dursor-preflight-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('checkSandboxSupport', () => {
  it('creates the namespaces with the real bwrap on this machine', async () => {
    expect(await checkSandboxSupport()).toEqual({ ok: true });
  });

  it('says how to install bubblewrap, or --no-sandbox, when bwrap is missing', async () => {
    const r = await checkSandboxSupport({ bwrap: join(dir, 'nowhere', 'bwrap') });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('is not installed');
      expect(r.reason).toContain('apt-get install bubblewrap');
      expect(r.reason).toContain('--no-sandbox');
    }
  });

  it('passes on bwrap\'s own words and says which docker run settings the sandbox needs when namespaces are refused', async () => {
    const r = await checkSandboxSupport({ bwrap: await standIn('refuses', `echo "${REFUSAL.replace(/'/g, "'\\''")}" >&2; exit 1`) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('bwrap: No permissions to create new namespace');
      expect(r.reason).toContain('--security-opt seccomp=unconfined --security-opt apparmor=unconfined');
      expect(r.reason).toContain('kernel.unprivileged_userns_clone=1');
      expect(r.reason).toContain('--no-sandbox (DURSOR_NO_SANDBOX=1)');
    }
  });

  it('gives up on a bwrap that hangs, within its bound', async () => {
    const started = Date.now();
    const r = await checkSandboxSupport({ bwrap: await standIn('hangs', 'exec sleep 30'), timeoutMs: 300 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('did not finish a trial sandbox within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('is not ok off Linux', async () => {
    const r = await checkSandboxSupport({ platform: 'win32' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('--no-sandbox');
  });
});

describe('the runner process', () => {
  function runMain(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [resolve(import.meta.dirname, '../src/main.ts'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('close', (code) => { clearTimeout(timer); done({ code, out }); });
    });
  }

  it('exits 3 with the reason when it cannot sandbox, before registering; --no-sandbox starts and says so loudly', async () => {
    const bin = dirname(await standIn('refuses-path', `echo "${REFUSAL.replace(/'/g, "'\\''")}" >&2; exit 1`));
    const env = { PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir, DURSOR_STATE_DIR: join(dir, 'state') };
    // Port 9 (discard) on loopback: nothing answers, so a runner that got past the check would keep retrying.
    const refused = await runMain(['--url', 'http://127.0.0.1:9', '--token', 'drr_preflight'], env);
    expect(refused.code).toBe(3);
    expect(refused.out).toContain('dursor-runner: cannot sandbox agents on this host: bubblewrap cannot create the namespaces');
    expect(refused.out).toContain('No permissions to create new namespace');
    expect(refused.out).not.toContain('register');

    const child = spawn(process.execPath, [resolve(import.meta.dirname, '../src/main.ts'), '--url', 'http://127.0.0.1:9', '--token', 'drr_preflight'], {
      env: { ...env, DURSOR_NO_SANDBOX: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const deadline = Date.now() + 10_000;
    while (!out.includes('--no-sandbox') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const line = JSON.parse(out.split('\n').find((l) => l.includes('--no-sandbox'))!);
    expect(line.level).toBe('warn');
    expect(line.msg).toContain('agents run WITHOUT an OS sandbox');
  });
});
