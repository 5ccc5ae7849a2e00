/** Runner processes for tests: the real `runner/src/main.ts`, each with its own state and work dirs. */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from './client.ts';
import { startProcess, type Proc } from './processes.ts';
import { ROOT } from './stack.ts';

export interface RunnerProc extends Proc {
  name: string;
  workDir: string;
  /** Where it keeps its credential (runner.json). */
  stateDir: string;
}

/** Creates a registration token as the owner. */
export async function registrationToken(owner: Client): Promise<string> {
  const body = await owner.ok('POST', '/v1/runners/registration-tokens', {});
  return body.registrationToken.token;
}

const running = new Set<RunnerProc>();

/** Stops every runner this file started, so the next test's runs cannot land on an old one. */
export async function stopRunners(): Promise<void> {
  await Promise.all([...running].map((r) => r.kill('SIGKILL')));
  running.clear();
}

export async function startRunner(opts: { url: string; token: string; name: string; dir: string; slots?: number; env?: Record<string, string>; args?: string[]; stateDir?: string }): Promise<RunnerProc> {
  const state = opts.stateDir ?? await mkdtemp(path.join(opts.dir, `${opts.name}-state-`));
  const workDir = await mkdtemp(path.join(opts.dir, `${opts.name}-work-`));
  const args = [
    path.join(ROOT, 'runner/src/main.ts'),
    '--url', opts.url,
    '--token', opts.token,
    '--name', opts.name,
    '--slots', String(opts.slots ?? 4),
    '--state-dir', state,
    '--work-dir', workDir,
    ...(opts.args ?? []),
  ];
  const proc = startProcess(opts.name, process.execPath, args, { cwd: ROOT, env: { ...process.env, ...opts.env } });
  const runner = Object.assign(proc, { name: opts.name, workDir, stateDir: state });
  running.add(runner);
  return runner;
}
