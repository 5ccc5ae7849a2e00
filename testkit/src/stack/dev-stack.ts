/**
 * `npm start` itself as a test stack: `scripts/start.ts` with its state in a fresh DURSOR_HOME and
 * a free PORT, run until it printed that dursor is running (its local runner connected). Used by
 * the tests of what `npm start` promises: a Worker that dies is started again on the same state.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '../wait.ts';
import { freePort } from './ports.ts';
import { startProcess, type Proc } from './processes.ts';
import { ROOT } from './stack.ts';

export interface DevStack {
  url: string;
  home: string;
  proc: Proc;
  /** Kills the Worker the way a crash would: SIGKILL to wrangler's whole process group (workerd included). */
  killWorker(): number;
  stop(): Promise<void>;
}

/** The process group of the `wrangler dev` that serves `port` (the supervisor starts it in its own group). */
function wranglerGroup(port: number): number {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m && m[3].includes('wrangler.js dev') && m[3].includes(`--port ${port}`)) return Number(m[2]);
  }
  throw new Error(`no wrangler dev on port ${port}`);
}

export async function startDevStack(): Promise<DevStack> {
  const home = await mkdtemp(path.join(tmpdir(), 'dursor-npm-start-'));
  const port = await freePort();
  const proc = startProcess('npm-start', process.execPath, [path.join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT, env: { ...process.env, DURSOR_HOME: home, PORT: String(port), NO_COLOR: '1' },
  });
  await waitFor('npm start to say dursor is running', async () => {
    if (proc.child.exitCode !== null) throw new Error(`npm start exited:\n${proc.output().slice(-3000)}`);
    return proc.output().includes('dursor is running at');
  }, 120_000, 200).catch((e: Error) => {
    throw new Error(`${e.message}\n--- npm start output ---\n${proc.output().slice(-3000)}`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    home,
    proc,
    killWorker() {
      const group = wranglerGroup(port);
      process.kill(-group, 'SIGKILL');
      return group;
    },
    async stop() {
      await proc.kill('SIGTERM');
      await rm(home, { recursive: true, force: true });
    },
  };
}
