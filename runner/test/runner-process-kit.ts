/**
 * Runner processes for tests that run `runner/src/main.ts` as users do: the process itself
 * (its exit code and every line it writes), and the world it talks to — a fake provider, a git
 * server and the fake Worker — started before a describe block and stopped after it, along with
 * every process the block started.
 */
import { afterAll, beforeAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  startFakeOpenAI, startFakeWorker, startGitServer,
  type FakeOpenAI, type FakeWorker, type FakeWorkerOptions, type GitServer, type GitServerOptions,
} from '../../testkit/src/index.ts';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');

export interface RunnerProc { child: ChildProcess; out: string[]; exit: Promise<number | null> }

/** `node runner/src/main.ts <args>` with a bare environment (PATH, a throwaway HOME, `env`). */
export function startRunnerProcess(args: string[], env: Record<string, string> = {}): RunnerProc {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  child.stdout!.on('data', (d) => out.push(String(d)));
  child.stderr!.on('data', (d) => out.push(String(d)));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out, exit };
}

export interface ProcessWorld {
  provider: FakeOpenAI;
  gitServer: GitServer;
  worker: FakeWorker;
  /** A temp dir for the block's state and work dirs. */
  dir: string;
  /** Starts a runner process that the block's afterAll kills if it still runs. */
  start(args: string[], env?: Record<string, string>): RunnerProc;
}

/** Registers beforeAll/afterAll for one describe block; the fields are set once beforeAll ran. */
export function useProcessWorld(opts: { git?: GitServerOptions; worker?: Omit<FakeWorkerOptions, 'upstream'> } = {}): ProcessWorld {
  const procs: RunnerProc[] = [];
  const world = {
    start(args: string[], env?: Record<string, string>) {
      const p = startRunnerProcess(args, env);
      procs.push(p);
      return p;
    },
  } as ProcessWorld;
  beforeAll(async () => {
    world.provider = await startFakeOpenAI();
    world.gitServer = await startGitServer(opts.git);
    world.worker = await startFakeWorker({ upstream: world.provider.url, leaseMs: 3_000, ...opts.worker });
    world.dir = await mkdtemp(join(tmpdir(), 'runner-proc-'));
  });
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await world.worker?.close();
    await world.gitServer?.close();
    await world.provider?.close();
    if (world.dir) await rm(world.dir, { recursive: true, force: true });
  });
  return world;
}
