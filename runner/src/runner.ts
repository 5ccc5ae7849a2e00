/**
 * The runner process's core: one pool connection, up to `slots` concurrent jobs. Accepts an
 * assignment only with a free slot (and not while draining), reports capacity whenever the set
 * of active runs changes, and frees a slot only when its job is done (result acked or given up).
 */
import type { Assignment, ExecutorId } from '../../protocol/src/index.ts';
import { PoolConnection } from './connection/pool-connection.ts';
import type { WatchdogOptions } from './connection/watchdog.ts';
import type { Executor } from './executors/types.ts';
import { Job } from './job.ts';
import type { SandboxDeps } from './sandbox/job-sandbox.ts';
import type { Resolve } from './git/guarded-http.ts';
import type { Logger } from './log.ts';
import { RunnerCredential } from './credential.ts';
import { RepoCache } from './workspace/repo-cache.ts';

export interface RunnerOptions {
  baseUrl: string;
  credential: string;
  /**
   * Keeps a rotated credential (atomically, 0600: registration.ts). Without it the runner does not
   * ask to be rotated (tests against the fake Worker).
   */
  saveCredential?: (credential: string) => Promise<void>;
  name: string;
  slots: number;
  labels: string[];
  workDir: string;
  maxFileBytes: number;
  executors: Map<ExecutorId, Executor>;
  log: Logger;
  cancelGraceMs?: number;
  ackTimeoutMs?: number;
  /** How long a run's gateway relay waits out an unreachable Worker (default 60 s). */
  gatewayOutageMs?: number;
  /** Every attempt's sandbox (hidden and program dirs); absent under `--no-sandbox`. */
  sandbox?: SandboxDeps;
  /** How git host names are resolved (default: the system's resolver); tests map names of their own. */
  resolve?: Resolve;
  /** The pool and run sockets' dead-peer watchdog (default LIMITS.socketPingEveryMs / socketSilenceMs; tests shorten it). */
  watchdog?: WatchdogOptions;
  /** Called once when the Worker refuses this runner for good (exit non-zero). */
  onTerminal(reason: string): void;
}

export class Runner {
  readonly jobs = new Map<string, Job>();
  #o: RunnerOptions;
  #pool: PoolConnection;
  #cache: RepoCache;
  #credential: RunnerCredential;
  #draining = false;

  constructor(o: RunnerOptions) {
    this.#o = o;
    this.#cache = new RepoCache({ workDir: o.workDir });
    this.#credential = new RunnerCredential(o.credential, { save: o.saveCredential, redactor: o.log.redactor });
    this.#pool = new PoolConnection({
      baseUrl: o.baseUrl, credential: this.#credential, name: o.name, slots: o.slots, labels: o.labels,
      executors: [...o.executors.keys()], sandbox: o.sandbox ? 'srt' : 'none', log: o.log,
      activeRuns: () => [...this.jobs.keys()],
      onAssign: (a) => this.#onAssign(a),
      onTerminal: (reason) => o.onTerminal(reason),
      watchdog: o.watchdog,
    });
  }

  get pool(): PoolConnection {
    return this.#pool;
  }

  start(): void {
    this.#o.log.info('runner starting', { url: this.#o.baseUrl, name: this.#o.name, slots: this.#o.slots, executors: [...this.#o.executors.keys()] });
    this.#pool.start();
  }

  /** Stop taking runs and wait for the active ones to finish. */
  async drain(): Promise<void> {
    this.#draining = true;
    this.#pool.stop('draining');
    this.#o.log.info('draining: no new runs; waiting for active runs', { active: [...this.jobs.keys()] });
    await Promise.all([...this.jobs.values()].map((j) => j.done));
    await this.#pool.stopped;
  }

  cancelAll(reason: string): void {
    for (const job of this.jobs.values()) job.cancel(reason);
  }

  #onAssign(a: Assignment): void {
    const log = this.#o.log.child({ runId: a.runId });
    const current = this.jobs.get(a.runId);
    if (current && current.assignment.assignment === a.assignment) return this.#pool.accept(a.runId);
    let refusal: string | null = null;
    if (this.#draining) refusal = 'runner is draining';
    else if (!this.#o.executors.has(a.executor.id)) refusal = `executor ${a.executor.id} is not installed on this runner`;
    else if (current) refusal = 'runner is still finishing an older assignment of this run';
    else if (this.jobs.size >= this.#o.slots) refusal = `no free slot (${this.jobs.size}/${this.#o.slots} busy)`;
    if (refusal) {
      log.info('rejected assignment', { reason: refusal });
      return this.#pool.reject(a.runId, refusal);
    }
    this.#pool.accept(a.runId);
    log.info('accepted assignment', { assignment: a.assignment, executor: a.executor.id, model: a.executor.model });
    const job = new Job(a, {
      baseUrl: this.#o.baseUrl, credential: this.#credential, workDir: this.#o.workDir, maxFileBytes: this.#o.maxFileBytes,
      repoCache: this.#cache, executors: this.#o.executors, log: this.#o.log,
      cancelGraceMs: this.#o.cancelGraceMs, ackTimeoutMs: this.#o.ackTimeoutMs, gatewayOutageMs: this.#o.gatewayOutageMs, sandbox: this.#o.sandbox, resolve: this.#o.resolve, watchdog: this.#o.watchdog,
      workerProtocol: () => this.#pool.workerProtocol,
    });
    this.jobs.set(a.runId, job);
    this.#pool.sendCapacity();
    void job.done
      .catch((e) => log.error('job crashed', { error: (e as Error)?.stack ?? String(e) }))
      .finally(() => {
        if (this.jobs.get(a.runId) === job) this.jobs.delete(a.runId);
        this.#pool.sendCapacity();
      });
  }
}
