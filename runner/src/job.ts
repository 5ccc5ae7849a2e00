/**
 * One run, start to finish (docs/architecture.md §1, §4, §6):
 *   preparing → workspace (clone/fetch) → running → executor → finishing → policy
 *   → commit → push → result (succeeded | failed | cancelled).
 * Every step's failure becomes a `failed` result with a readable reason. Cancel aborts the
 * executor, waits LIMITS.cancelGraceMs, abandons it, and reports `cancelled`; nothing is pushed
 * after a cancel. A stale assignment stops the run silently (it belongs to someone else now), and so
 * does a run socket that stays un-attached for the lease (run-connection.ts: by then it is not ours).
 * `done` settles only after the result frame is acked (bounded), so the slot stays taken until then.
 * The executor reaches the LLM gateway through the run's own relay (gateway-relay/), which holds the
 * run token and rides out Worker outages; the executor only ever sees the relay's URL and token.
 */
import { join } from 'node:path';
import { LIMITS, RunEvent, TURN_EVENTS_PROTOCOL, type Assignment, type ExecutorId, type RunResult } from '../../protocol/src/index.ts';
import { RunConnection } from './connection/run-connection.ts';
import type { WatchdogOptions } from './connection/watchdog.ts';
import { EventBatcher } from './event-batcher.ts';
import { EventRedactor } from './event-redaction.ts';
import { CancelledError, unlessAborted, withGrace } from './cancellable.ts';
import type { Executor, ExecutorEvent } from './executors/types.ts';
import { ExecutorError, PolicyViolationError } from './executors/types.ts';
import type { Logger } from './log.ts';
import { checkPolicy, formatViolation, snapshotGitDir } from './policy.ts';
import type { RepoCache } from './workspace/repo-cache.ts';
import { GitStepError } from './workspace/repo-cache.ts';
import { prepareWorkspace, type Workspace } from './workspace/workspace.ts';
import { commitChanges, pushBranch, PushError } from './git/commit-push.ts';
import { buildPatch } from './git/patch.ts';
import { workerGitAuth, type GitAuth } from './git/credentials.ts';
import { guardedGitHttp, type Resolve } from './git/guarded-http.ts';
import type { HttpClient } from 'isomorphic-git';
import type { CredentialInput } from './credential.ts';
import { startGatewayRelay, type GatewayRelay } from './gateway-relay/relay.ts';
import { openJobSandbox, prepareWorkspaceForSandbox, type SandboxDeps } from './sandbox/job-sandbox.ts';
import type { AttemptSandbox } from './sandbox/attempt-sandbox.ts';

export interface JobDeps {
  baseUrl: string;
  /** The runner's credential, read at each use (it rotates: credential.ts). */
  credential: CredentialInput;
  workDir: string;
  maxFileBytes: number;
  repoCache: RepoCache;
  executors: Map<ExecutorId, Executor>;
  log: Logger;
  cancelGraceMs?: number;
  ackTimeoutMs?: number;
  /** How long the run's gateway relay waits for an unreachable Worker before a model call fails (default 60 s). */
  gatewayOutageMs?: number;
  /** The protocol version of the Worker's last welcome (0 before any): `turn` events go only to ≥ TURN_EVENTS_PROTOCOL. */
  workerProtocol?: () => number;
  /** What every attempt's sandbox hides and shows (sandbox/job-sandbox.ts); absent when the runner runs `--no-sandbox`. */
  sandbox?: SandboxDeps;
  /** How git host names are resolved (default: the system's resolver); tests map names of their own. */
  resolve?: Resolve;
  /** The run socket's dead-peer watchdog (default LIMITS.socketPingEveryMs / socketSilenceMs). */
  watchdog?: WatchdogOptions;
}

const EMPTY = { files: [], stats: { files: 0, additions: 0, deletions: 0 } };
/** How long a finished job waits for work it abandoned on cancel (a clone) to settle. */
const LINGER_MS = 60_000;
const settleWithin = (p: Promise<unknown>, ms: number): Promise<unknown> =>
  Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export class Job {
  readonly assignment: Assignment;
  readonly done: Promise<void>;
  #deps: JobDeps;
  #log: Logger;
  #conn: RunConnection;
  #batcher: EventBatcher;
  /** Secrets out of every event before it is batched (event-redaction.ts). */
  #redactor: EventRedactor;
  #abort = new AbortController();
  #cancelReason: string | null = null;
  #lostReason: string | null = null;
  /** A sandbox cap the attempt hit (wall clock, disk, processes, memory): it ends failed with this reason. */
  #limitReason: string | null = null;
  #summary = '';
  #agentSession: string | undefined;
  /** The run's git credentials (asked from the Worker per network call), when its repo needs them. */
  #gitAuth: GitAuth | undefined;
  /** Every git connection of the run, checked against the deployment's address policy (issue 11). */
  #gitHttp: HttpClient;
  /** A clone still running after a cancel answered; the job is only done once it settled. */
  #lingering: Promise<unknown> = Promise.resolve();

  constructor(assignment: Assignment, deps: JobDeps) {
    this.assignment = assignment;
    this.#deps = deps;
    // The job's own secrets (run, relay and git tokens, the agent's key) stay in its own redactor.
    this.#log = deps.log.child({ runId: assignment.runId, assignment: assignment.assignment }, { ownSecrets: true });
    this.#log.redactor.add(assignment.runToken);
    // A key the agent gets in its environment (the Cursor agent's) is as secret as the run token.
    this.#log.redactor.add(assignment.executor.directApiKey);
    this.#redactor = new EventRedactor(this.#log.redactor);
    this.#gitHttp = guardedGitHttp({ allowPrivate: assignment.allowPrivateAddresses, resolve: deps.resolve });
    if (assignment.repo.credentials === 'worker') {
      this.#gitAuth = workerGitAuth({ baseUrl: deps.baseUrl, credential: deps.credential, runId: assignment.runId, assignment: assignment.assignment, redactor: this.#log.redactor });
    }
    this.#conn = new RunConnection({
      baseUrl: deps.baseUrl, credential: deps.credential, runId: assignment.runId, assignment: assignment.assignment,
      leaseMs: assignment.leaseMs, log: this.#log, watchdog: deps.watchdog,
      onCancel: (reason) => this.cancel(reason),
      onLost: (reason) => {
        this.#lostReason = reason;
        this.#abort.abort();
      },
    });
    this.#batcher = new EventBatcher({ send: (events) => void this.#conn.sendFrame(events) });
    this.done = this.#main();
  }

  get runId(): string {
    return this.assignment.runId;
  }

  /** Cancel from the Worker or from a second shutdown signal. Idempotent. */
  cancel(reason: string): void {
    if (this.#cancelReason !== null || this.#lostReason !== null) return;
    this.#cancelReason = reason;
    this.#log.info('cancelling run', { reason });
    this.#abort.abort();
  }

  #emit(e: ExecutorEvent): void {
    if (e.type === 'session') {
      if (e.id.length <= 200) this.#agentSession = e.id;
      return;
    }
    // A Worker of protocol 1 refuses a frame with an event type it does not know.
    if (e.type === 'turn' && (this.#deps.workerProtocol?.() ?? 0) < TURN_EVENTS_PROTOCOL) return;
    for (const redacted of this.#redactor.redact(e)) {
      const event = { ...redacted, runId: this.runId, ts: Date.now() };
      const ok = RunEvent.safeParse(event);
      if (!ok.success) {
        this.#log.error('dropping an invalid event', { type: e.type, error: ok.error.issues[0]?.message });
        continue;
      }
      this.#batcher.push(ok.data);
    }
  }
  #progress = (message: string) => {
    this.#log.info(message);
    this.#emit({ type: 'log', level: 'info', message });
  };
  #checkpoint(): void {
    if (this.#abort.signal.aborted) throw new CancelledError('aborted');
  }

  async #main(): Promise<void> {
    this.#conn.start();
    let result: RunResult;
    let workspace: Workspace | undefined;
    try {
      result = await this.#run((ws) => (workspace = ws));
    } catch (e) {
      result = this.#failure(e);
    }
    try {
      if (this.#lostReason) {
        this.#log.warn('run is no longer ours; stopped without a result', { reason: this.#lostReason });
        this.#batcher.dispose();
      } else {
        this.#emit({ type: 'result', result });
        this.#batcher.flush();
        const acked = await this.#conn.waitAcked(this.#conn.lastFrame, this.#deps.ackTimeoutMs ?? LIMITS.defaultLeaseMs);
        this.#log.info('run finished', { outcome: result.outcome, error: result.error, acked });
      }
    } finally {
      await this.#conn.close();
      await workspace?.remove().catch(() => {});
      await settleWithin(this.#lingering, LINGER_MS);
    }
  }

  #failure(e: unknown): RunResult {
    if (this.#cancelReason !== null) return { outcome: 'cancelled', error: cut(`cancelled: ${this.#cancelReason}`, 4000), ...EMPTY };
    if (this.#limitReason !== null) return { outcome: 'failed', error: cut(this.#limitReason, 4000), ...EMPTY };
    const known = e instanceof ExecutorError || e instanceof PolicyViolationError || e instanceof GitStepError || e instanceof PushError;
    // Redacted like a log line: a failure reason must never carry a token or credential.
    const message = this.#log.redactor.redact(known ? (e as Error).message : `internal error: ${(e as Error)?.message ?? String(e)}`);
    if (!known && !this.#lostReason) this.#log.error('run failed unexpectedly', { error: (e as Error)?.stack ?? String(e) });
    return { outcome: 'failed', error: cut(message, 4000), ...EMPTY, ...(this.#agentSession ? { agentSession: this.#agentSession } : {}) };
  }

  async #run(keep: (ws: Workspace) => void): Promise<RunResult> {
    const a = this.assignment;
    const signal = this.#abort.signal;
    const executor = this.#deps.executors.get(a.executor.id);
    if (!executor) throw new ExecutorError(`executor ${a.executor.id} is not installed on this runner`);

    this.#emit({ type: 'status', status: 'preparing' });
    const preparing = prepareWorkspace(this.#deps.repoCache, { workDir: this.#deps.workDir, runId: a.runId, assignment: a.assignment, cloneUrl: a.repo.cloneUrl, baseRef: a.repo.baseRef, branch: a.branch, http: this.#gitHttp, auth: this.#gitAuth }, this.#progress);
    // A cancel during a long clone answers at once; the clone's workspace is removed when it lands,
    // and the job (its slot) is held until then so nothing writes after the runner calls it done.
    this.#lingering = preparing.then((ws) => (signal.aborted ? ws.remove() : undefined), () => {});
    const ws = await unlessAborted(preparing, signal);
    keep(ws);
    this.#progress(`workspace ready at ${ws.baseCommit.slice(0, 12)} (${ws.how})`);

    if (a.resume) this.#log.info('the run continues an assignment whose runner was lost', { finishedTurns: a.resume.turns.length, baseCommit: a.resume.baseCommit });
    this.#emit({ type: 'status', status: 'running' });
    if (this.#deps.sandbox) await prepareWorkspaceForSandbox(ws.dir);
    const gitBefore = await snapshotGitDir(ws.dir);
    await this.#execute(executor, ws.dir, ws.baseCommit);
    this.#checkpoint();

    this.#emit({ type: 'status', status: 'finishing' });
    const maxFileBytes = Math.min(a.limits.maxFileBytes, this.#deps.maxFileBytes);
    const { violations, changes } = await checkPolicy({ dir: ws.dir, gitBefore, maxFileBytes, allowWorkflowChanges: a.allowWorkflowChanges === true, gitCache: ws.gitCache });
    if (violations.length > 0) throw new PolicyViolationError(violations.map(formatViolation).join('; '));
    this.#checkpoint();

    const head = await commitChanges({ dir: ws.dir, gitCache: ws.gitCache, changes, instruction: a.instruction, runId: a.runId });
    this.#progress(changes.length ? `committed ${changes.length} file(s) as ${head.slice(0, 12)}` : 'no files changed');
    this.#checkpoint();
    this.#progress(`pushing ${a.branch}`);
    await pushBranch({ dir: ws.dir, gitCache: ws.gitCache, url: a.repo.cloneUrl, branch: a.branch, http: this.#gitHttp, auth: this.#gitAuth });
    if (signal.aborted) {
      // The cancel raced the push: take the branch back so a cancelled run leaves nothing behind.
      await pushBranch({ dir: ws.dir, gitCache: ws.gitCache, url: a.repo.cloneUrl, branch: a.branch, http: this.#gitHttp, auth: this.#gitAuth, delete: true }).catch(() => {});
      throw new CancelledError('aborted');
    }
    this.#progress(`pushed ${a.branch}`);
    const patch = await buildPatch(ws.dir, ws.baseCommit, changes, ws.gitCache);
    return {
      outcome: 'succeeded', branch: a.branch, baseCommit: ws.baseCommit, headCommit: head,
      patch: patch.patch, patchTruncated: patch.patchTruncated, files: patch.files, stats: patch.stats,
      ...(this.#summary.trim() ? { summary: cut(this.#summary.trim(), 16_000) } : {}),
      ...(this.#agentSession ? { agentSession: this.#agentSession } : {}),
    };
  }

  /** The relay's retry and give-up lines: a run log event (the user sees why it waits) and a runner log line. */
  #relayReport = (level: 'info' | 'warn', message: string) => {
    this.#log[level](message);
    this.#emit({ type: 'log', level, message });
  };

  /** The run's gateway relay, when its executor talks to the gateway (every one but the Cursor agent). */
  async #startRelay(): Promise<GatewayRelay | undefined> {
    const path = this.assignment.executor.gatewayPath;
    if (!path) return undefined;
    const relay = await startGatewayRelay({
      workerUrl: this.#deps.baseUrl, gatewayPath: path, runToken: this.assignment.runToken,
      maxOutageMs: this.#deps.gatewayOutageMs, report: this.#relayReport,
    });
    this.#log.redactor.add(relay.token);
    return relay;
  }

  /** A cap of the attempt's sandbox was hit: stop the executor; the run fails with the reason. */
  #overLimit = (reason: string) => {
    if (this.#cancelReason !== null || this.#lostReason !== null || this.#limitReason !== null) return;
    this.#limitReason = reason;
    this.#log.warn('attempt stopped at a sandbox limit', { reason });
    this.#emit({ type: 'log', level: 'error', message: reason });
    this.#abort.abort();
  };

  /** Runs the executor in its sandbox; on cancel it gets LIMITS.cancelGraceMs to stop before it is abandoned. */
  async #execute(executor: Executor, dir: string, baseCommit: string): Promise<void> {
    const relay = await this.#startRelay();
    let box: AttemptSandbox | undefined;
    try {
      if (this.#deps.sandbox) {
        box = await openJobSandbox(this.#deps.sandbox, { assignment: this.assignment, workspace: dir, relayPort: relay && Number(new URL(relay.url).port), workDir: this.#deps.workDir, onLimit: this.#overLimit });
      }
      await this.#drive(executor, dir, baseCommit, relay, box);
    } finally {
      await relay?.close();
      const killed = await box?.close();
      if (killed) this.#progress(`sandbox: stopped ${killed} process${killed === 1 ? '' : 'es'} the agent left running`);
    }
  }

  async #drive(executor: Executor, dir: string, baseCommit: string, relay: GatewayRelay | undefined, box: AttemptSandbox | undefined): Promise<void> {
    const a = this.assignment;
    const signal = this.#abort.signal;
    const iterator = executor.run({
      runId: a.runId, workspaceDir: dir, instruction: a.instruction, spec: a.executor, limits: a.limits,
      gatewayBaseUrl: relay?.url ?? this.#deps.baseUrl, runToken: relay?.token ?? '', history: a.history,
      stateDir: join(this.#deps.workDir, 'agents'), baseCommit, resume: a.resume, sandbox: box?.plan,
    }, signal)[Symbol.asyncIterator]();
    const consume = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const e = next.value;
        if (e.type === 'text') this.#summary += e.text;
        else if (e.type === 'tool_call') this.#summary = '';
        this.#emit(e);
      }
    })();
    try {
      await withGrace(consume, signal, this.#deps.cancelGraceMs ?? LIMITS.cancelGraceMs);
    } catch (e) {
      if (signal.aborted && !(e instanceof CancelledError)) throw new CancelledError('aborted');
      if (e instanceof CancelledError) void iterator.return?.(undefined)?.catch?.(() => {});
      throw e;
    }
  }
}
