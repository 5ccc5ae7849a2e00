/**
 * The per-attempt sandbox itself (runner/src/sandbox/, issue 10), with the real srt + bubblewrap:
 * a shell inside it sees its workspace and scratch but nothing the runner hides, writes nowhere
 * else (and never `.git`), reaches its gateway relay's port and nothing else, leaves no process
 * behind, and its caps (file size, disk, processes) end it with a reason.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptSandbox } from '../src/sandbox/attempt-sandbox.ts';
import { resolveLimits } from '../src/sandbox/limits.ts';
import { checkSandboxSupport } from '../src/sandbox/preflight.ts';
import { sandboxedSpawn } from '../src/sandbox/sandboxed-command.ts';
import { srtSettings } from '../src/sandbox/srt-settings.ts';
import { prepareWorkspaceForSandbox, sandboxDeps } from '../src/sandbox/job-sandbox.ts';

let root: string, work: string, state: string, ws: string, other: string, scratch: string;
let relay: Server, elsewhere: Server;
const port = (s: Server) => (s.address() as AddressInfo).port;

function listen(body: string): Promise<Server> {
  const s = createServer((_req, res) => res.end(body));
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

beforeAll(async () => {
  expect(await checkSandboxSupport()).toEqual({ ok: true });
  root = await realpath(await mkdtemp(join(tmpdir(), 'sandbox-test-')));
  [work, state] = [join(root, 'work'), join(root, 'state')];
  [ws, other, scratch] = [join(work, 'runs', 'mine'), join(work, 'runs', 'theirs'), join(work, 'agents', 'scratch', 'mine')];
  for (const d of [ws, other, scratch, state, join(ws, '.git')]) await mkdir(d, { recursive: true });
  await writeFile(join(state, 'runner.json'), '{"credential":"drc_secret_credential"}');
  await writeFile(join(other, 'secret.txt'), 'their work\n');
  await writeFile(join(ws, '.git', 'config'), '[core]\n');
  await prepareWorkspaceForSandbox(ws);
  [relay, elsewhere] = await Promise.all([listen('relay says hi'), listen('should not be reachable')]);
});
afterAll(async () => {
  relay?.close();
  elsewhere?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Pids whose command line matches `re`. */
async function processesMatching(re: RegExp): Promise<number[]> {
  const out: number[] = [];
  for (const p of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (re.test(cmd.replaceAll('\0', ' '))) out.push(Number(p));
  }
  return out;
}

/** Runs `script` in bash inside the attempt's sandbox; resolves with its exit code and output. */
async function inSandbox(script: string, limits = {}): Promise<{ code: number | null; out: string }> {
  const deps = sandboxDeps({ stateDir: state, workDir: work, cliBins: [] });
  const spec = await sandboxedSpawn({
    box: { workspace: ws, scratch, hidden: deps.hidden, programs: deps.programs, relayPort: port(relay), allowedHosts: [] },
    limits: resolveLimits(limits), privateDir: join(work, 'sandbox'), bin: '/bin/bash', args: ['-c', script],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(scratch, 'home'), TMPDIR: join(scratch, 'tmp') },
    processesNow: 0,
  });
  await mkdir(join(scratch, 'tmp'), { recursive: true });
  const child = spawn(spec.command, spec.args, { cwd: ws, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  await spec.dispose();
  return { code, out };
}

describe('the attempt sandbox (srt)', () => {
  it('writes settings that hide the runner and show the attempt its own places', () => {
    const s = srtSettings({ workspace: '/w/runs/a', scratch: '/w/agents/scratch/a', hidden: ['/state', '/w'], programs: ['/opt/node'], relayPort: 4321, allowedHosts: ['registry.npmjs.org'] });
    expect(s).toEqual({
      network: { allowedDomains: ['127.0.0.1:4321', 'registry.npmjs.org'], deniedDomains: [] },
      filesystem: { denyRead: ['/state', '/w'], allowRead: ['/w/runs/a', '/w/agents/scratch/a', '/opt/node'], allowWrite: ['/w/runs/a', '/w/agents/scratch/a'], denyWrite: ['/w/runs/a/.git'] },
    });
  });

  it('sees its workspace but not the runner credential or another attempt; writes only its workspace and scratch', async () => {
    const r = await inSandbox([
      `echo mine > ${ws}/ok.txt && echo wrote-workspace`,
      `echo s > ${scratch}/s.txt && echo wrote-scratch`,
      `cat ${state}/runner.json || echo no-credential`,
      `ls ${join(work, 'runs')}; cat ${other}/secret.txt || echo no-other`,
      `echo x > ${other}/evil.txt || echo no-write-other`,
      // A hidden place is an empty, throwaway directory inside; everything else outside is read-only.
      `echo x > ${tmpdir()}/sandbox-escape-$$; echo x > /etc/sandbox-escape || echo no-write-etc`,
      `echo '[core] hooksPath=/tmp' >> ${ws}/.git/config || echo no-write-git`,
      `cat /proc/1/environ | tr '\\0' '\\n' | grep -c DURSOR || true`,
    ].join('; '));
    expect(r.out).toContain('wrote-workspace');
    expect(r.out).toContain('wrote-scratch');
    expect(r.out).toContain('no-credential');
    expect(r.out).not.toContain('drc_secret_credential');
    expect(r.out).toContain('no-other');
    expect(r.out).not.toContain('their work');
    expect(r.out).toContain('no-write-other');
    expect(r.out).toContain('no-write-etc');
    expect(existsSync('/etc/sandbox-escape')).toBe(false);
    expect(r.out).toContain('no-write-git');
    expect(existsSync(join(other, 'evil.txt'))).toBe(false);
    expect((await readdir(tmpdir())).some((n) => n.startsWith('sandbox-escape-'))).toBe(false);
  });

  it('reaches its relay through the proxy and nothing else on the machine', async () => {
    const r = await inSandbox([
      `curl -s --max-time 10 http://127.0.0.1:${port(relay)}/ ; echo`,
      `curl -s --max-time 10 -o /dev/null -w 'elsewhere:%{http_code}\\n' http://127.0.0.1:${port(elsewhere)}/`,
      `curl -s --max-time 10 --noproxy '*' -o /dev/null -w 'direct:%{http_code}\\n' http://127.0.0.1:${port(elsewhere)}/ || echo direct-refused`,
    ].join('; '));
    expect(r.out).toContain('relay says hi');
    expect(r.out).toMatch(/elsewhere:403/);
    expect(r.out).not.toContain('should not be reachable');
    expect(r.out).toMatch(/direct:000|direct-refused/);
  });

  it('leaves nothing running and no placeholder behind', async () => {
    const before = new Set(await readdir(ws));
    const r = await inSandbox('sleep 1000 & nohup sleep 1001 >/dev/null 2>&1 & setsid sleep 1002 & echo started');
    expect(r.out).toContain('started');
    await new Promise((res) => setTimeout(res, 300));
    expect(await processesMatching(/^sleep 100[012]/)).toEqual([]);
    // The same commands outside a sandbox would leave them running: the check can see them.
    const outside = spawn('bash', ['-c', 'sleep 1003 & echo $!'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = Number(await new Promise<string>((r) => outside.stdout.on('data', (d) => r(String(d)))));
    await expect.poll(() => processesMatching(/^sleep 1003/)).toEqual([pid]);
    process.kill(pid, 'SIGKILL');
    expect(new Set(await readdir(ws))).toEqual(before);
  });

  it('names the process cap even when the agent dies of it before the next look (a fork bomb kills the CLI too)', async () => {
    // Claude Code under a fork bomb: it could not start a thread and died of SIGABRT before the
    // 500 ms poll saw the cgroup's refused forks, and the attempt ended with its dying words.
    const reasons: string[] = [];
    const box = await AttemptSandbox.open({
      name: `pids-${process.pid}`, privateDir: join(work, 'sandbox'), onLimit: (why) => reasons.push(why),
      box: { workspace: ws, hidden: [], programs: [], relayPort: undefined, allowedHosts: [] }, limits: resolveLimits({ maxProcesses: 8 }),
    });
    expect(box.treeLimits).toBe(true); // a root runner on this host gets a cgroup
    const child = spawn('sh', ['-c', 'sleep 0.2; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 2 & done; exit 0'], { stdio: 'ignore' });
    await box.plan.onSpawn(child.pid!);
    await new Promise((r) => child.on('exit', r));
    await box.close(); // at once, as the job does when its agent has died
    expect(reasons).toEqual(['sandbox: the attempt reached its limit of 8 processes at once (a fork bomb?)']);
  });

  it('stops a file past its size cap, and the attempt past its disk cap with the reason', async () => {
    const r = await inSandbox(`dd if=/dev/zero of=${ws}/big bs=1M count=8 status=none; echo "exit $?"; stat -c 'size %s' ${ws}/big`, { maxFileMb: 2 });
    expect(r.out).toContain('exit 153'); // 128 + SIGXFSZ
    expect(r.out).toContain(`size ${2 * 1024 * 1024}`);
    const reasons: string[] = [];
    const box = await AttemptSandbox.open({
      name: `disk-${process.pid}`, privateDir: join(work, 'sandbox'), onLimit: (why) => reasons.push(why),
      box: { workspace: ws, hidden: [], programs: [], relayPort: undefined, allowedHosts: [] }, limits: resolveLimits({ maxDiskMb: 1 }),
    });
    try {
      await expect.poll(() => reasons, { timeout: 15_000 }).toEqual([expect.stringMatching(/^sandbox: the attempt used \d+ MB of disk, over its limit of 1 MB$/)]);
    } finally {
      await box.close();
      await rm(join(ws, 'big'), { force: true });
    }
  });
});
