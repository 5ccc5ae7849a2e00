/** Shared setup for runner integration tests: fake provider + git server + fake worker + an in-process Runner. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startFakeOpenAI, startFakeWorker, startGitServer, startTcpProxy, type FakeOpenAI, type FakeRun, type FakeWorker, type FakeWorkerOptions, type GitServer, type GitServerOptions, type TcpProxy } from '../../testkit/src/index.ts';
import { createLogger } from '../src/log.ts';
import { Runner, type RunnerOptions } from '../src/runner.ts';
import { defaultExecutors } from '../src/executors/registry.ts';
import type { Executor } from '../src/executors/types.ts';
import type { ExecutorId } from '../../protocol/src/index.ts';
import type { Resolve } from '../src/git/guarded-http.ts';

export interface Harness {
  provider: FakeOpenAI;
  gitServer: GitServer;
  worker: FakeWorker;
  runner: Runner;
  /** With `throughProxy`: the TCP proxy the runner reaches the fake worker through (outages). */
  proxy?: TcpProxy;
  workDir: string;
  credential: string;
  logs: string[];
  terminal: string[];
  result(runId: string, timeoutMs?: number): Promise<NonNullable<FakeRun['result']>>;
  /** Resolves when the runner has no active run left (slot freed). Call it once the run was accepted. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: { slots?: number; maxFileBytes?: number; cancelGraceMs?: number; executors?: Map<ExecutorId, Executor>; workerOptions?: FakeWorkerOptions; gitServerOptions?: GitServerOptions; throughProxy?: boolean; resolve?: Resolve; watchdog?: RunnerOptions['watchdog'] } = {}): Promise<Harness> {
  const provider = await startFakeOpenAI({ apiKey: 'sk-upstream' });
  const gitServer = await startGitServer(opts.gitServerOptions);
  const worker = await startFakeWorker({ upstream: provider.url, upstreamKey: 'sk-upstream', leaseMs: 3_000, ...opts.workerOptions });
  const proxy = opts.throughProxy ? await startTcpProxy(Number(new URL(worker.url).port)) : undefined;
  const workDir = await mkdtemp(join(tmpdir(), 'runner-work-'));
  const credential = `drc_test_${Math.random().toString(36).slice(2)}`;
  worker.credentials.add(credential);
  const logs: string[] = [];
  const terminal: string[] = [];
  const runner = new Runner({
    baseUrl: proxy?.url ?? worker.url, credential, name: 'test-runner', slots: opts.slots ?? 4, labels: ['test'], workDir,
    maxFileBytes: opts.maxFileBytes ?? 1024 * 1024, executors: opts.executors ?? defaultExecutors(),
    log: createLogger({ write: (l) => logs.push(l) }), cancelGraceMs: opts.cancelGraceMs, ackTimeoutMs: 10_000,
    onTerminal: (r) => terminal.push(r), resolve: opts.resolve, watchdog: opts.watchdog,
  });
  runner.start();
  await worker.waitFor(() => worker.hellos.length > 0, 'hello');
  return {
    provider, gitServer, worker, runner, proxy, workDir, credential, logs, terminal,
    result: (runId, timeoutMs = 20_000) => worker.waitFor(() => worker.runs.get(runId)?.result, `result of ${runId}`, timeoutMs),
    idle: () => worker.waitFor(() => runner.jobs.size === 0, 'runner idle', 20_000).then(() => undefined),
    async close() {
      runner.cancelAll('test over');
      await Promise.race([runner.drain(), new Promise((r) => setTimeout(r, 5_000))]);
      await proxy?.close();
      await worker.close();
      await gitServer.close();
      await provider.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** The stored log of a run: frames 1..n, no violations, no duplicate event, exactly one result, last. */
export function expectCleanLog(run: FakeRun): void {
  expect(run.violations).toEqual([]);
  expect(run.stored.map((f) => f.frame)).toEqual(run.stored.map((_, i) => i + 1));
  const keys = run.events.map((e) => JSON.stringify(e));
  expect(new Set(keys).size).toBe(keys.length);
  expect(run.events.filter((e) => e.type === 'result')).toHaveLength(1);
  expect(run.events.at(-1)?.type).toBe('result');
}
