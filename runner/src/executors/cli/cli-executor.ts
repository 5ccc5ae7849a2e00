/**
 * One Executor for every agent CLI (docs/architecture.md §3), driven by a CliAdapter: per-run scratch HOME,
 * settings written by the adapter, the CLI spawned in the workspace with a scrubbed env, its JSONL
 * mapped to RunEvents, and the agent's session id reported (`session` event) and its files kept
 * for a follow-up. A follow-up resumes the stored session; when that session is not on this
 * runner, or the CLI fails before producing anything (the session is gone), it starts a fresh
 * session whose prompt carries the conversation so far. A CLI that is missing, exits non-zero
 * or is killed fails the run with the exit status and the last stderr lines, secrets redacted.
 */
import { realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../log.ts';
import { ExecutorError, type Executor, type ExecutorEvent, type ExecutorRequest } from '../types.ts';
import type { CliAdapter, CliContext, ResumePlan } from './adapter.ts';
import { baseEnv } from './cli-env.ts';
import { promptWithHistory } from './history-prompt.ts';
import { createScratch, type Scratch } from './scratch.ts';
import { SessionStore } from './session-store.ts';
import { sandboxedSpawn } from '../../sandbox/sandboxed-command.ts';
import { spawnCli } from './spawn-cli.ts';

export interface CliExecutorOptions {
  /** Absolute path of the CLI's executable (from capabilities.ts). */
  binPath: string;
  graceMs?: number;
}

type Attempt = { kind: 'done'; sessionId?: string } | { kind: 'resume-failed'; reason: string };

const SIGNIFICANT = new Set(['text', 'tool_call', 'tool_result']);

export class CliExecutor implements Executor {
  readonly adapter: CliAdapter;
  readonly binPath: string;
  #graceMs: number | undefined;

  constructor(adapter: CliAdapter, o: CliExecutorOptions) {
    this.adapter = adapter;
    this.binPath = o.binPath;
    this.#graceMs = o.graceMs;
  }

  async *run(req: ExecutorRequest, signal: AbortSignal): AsyncGenerator<ExecutorEvent> {
    const a = this.adapter;
    a.validate(req);
    const stateDir = req.stateDir ?? join(tmpdir(), 'dursor-agents');
    const store = new SessionStore(stateDir);
    // What the agent may print: the token it calls the gateway relay with, a key in its env.
    const redactor = new Redactor();
    redactor.add(req.runToken);
    redactor.add(req.spec.directApiKey);
    const scratch = await createScratch(stateDir, req.runId);
    req.sandbox?.addScratch(scratch.root);
    try {
      const ctx: CliContext = { req, home: scratch.home, cwd: req.workspaceDir };
      await a.prepare(ctx);
      if (req.resume) {
        // Assignment.resume: an earlier assignment was lost with its runner. Its CLI session lives on
        // that machine, and the patch agent's replay does not apply to a CLI's own tools.
        yield { type: 'log', level: 'info', message: `this run continues after its runner was lost; ${a.id} keeps its session on the machine it ran on, so it starts over from the instruction` };
      }
      let outcome: Attempt | null = null;
      const wanted = req.spec.resumeSession;
      if (wanted) {
        const files = await store.load(a.id, wanted);
        if (!files) {
          yield { type: 'log', level: 'info', message: `${a.id} session ${wanted} is not stored on this runner; starting a fresh session with the conversation so far` };
        } else {
          const plan = await a.restore(ctx, wanted, files);
          outcome = yield* this.#attempt(ctx, scratch, req.instruction, plan, redactor, signal);
          if (outcome.kind === 'resume-failed') {
            yield { type: 'log', level: 'warn', message: `${a.id} could not resume session ${wanted} (${outcome.reason}); starting a fresh session with the conversation so far` };
            outcome = null;
          }
        }
      }
      outcome ??= yield* this.#attempt(ctx, scratch, promptWithHistory(req.instruction, req.history), null, redactor, signal);
      if (outcome.kind === 'done' && outcome.sessionId) {
        const files = await a.sessionFiles(scratch.home, outcome.sessionId).catch(() => []);
        await store.save(a.id, outcome.sessionId, scratch.home, files, (text) => redactor.redactSecrets(text)).catch(() => {});
      }
    } finally {
      await scratch.remove().catch(() => {});
    }
  }

  async *#attempt(ctx: CliContext, scratch: Scratch, prompt: string, resume: ResumePlan | null, redactor: Redactor, signal: AbortSignal): AsyncGenerator<ExecutorEvent, Attempt> {
    const a = this.adapter;
    const spawn = await spawnSpec(ctx, scratch, this.binPath, a.args(ctx, prompt, resume), baseEnv(scratch, a.env(ctx)));
    const plan = ctx.req.sandbox;
    const proc = spawnCli({
      bin: spawn.command, args: spawn.args, cwd: ctx.cwd, env: spawn.env, signal, graceMs: this.#graceMs,
      onSpawn: plan?.onSpawn, maxOutputBytes: plan ? plan.limits.maxOutputMb * 1024 * 1024 : undefined,
    });
    proc.exit.finally(() => spawn.dispose()).catch(() => undefined);
    const parser = a.parser();
    // While resuming, hold events back until the CLI shows it really resumed: a resume that
    // fails at once is retried as a fresh session, and its noise must not reach the run log.
    let held: ExecutorEvent[] | null = resume ? [] : null;
    let sessionId: string | undefined;
    let error: string | undefined;
    try {
      for await (const line of proc.lines) {
        const parsed = parser.parse(line);
        if (parsed.error) error = parsed.error;
        const out: ExecutorEvent[] = [];
        if (parsed.sessionId && parsed.sessionId !== sessionId) {
          sessionId = parsed.sessionId;
          out.push({ type: 'session', id: sessionId });
        }
        out.push(...parsed.events);
        if (held && out.some((e) => SIGNIFICANT.has(e.type))) {
          out.unshift(...held);
          held = null;
        }
        if (held) held.push(...out);
        else for (const e of out) yield e;
      }
    } finally {
      // The consumer stopped early (cancel): the process must not outlive the run.
      proc.kill();
    }
    const exit = await proc.exit;
    if (signal.aborted) return { kind: 'done', sessionId };
    if (exit.outputCapped) throw new ExecutorError(`sandbox: ${a.id} printed more than its output limit of ${plan!.limits.maxOutputMb} MB`);
    if (exit.spawnError) {
      throw new ExecutorError(exit.spawnError === 'ENOENT' ? `${a.id} is not installed on this runner (${this.binPath} not found)` : `${a.id} could not be started: ${exit.spawnError}`);
    }
    const tail = redactor.redact(proc.stderrTail());
    const failed = exit.code !== 0 || exit.signal !== null;
    if (failed && held) {
      return { kind: 'resume-failed', reason: redactor.redact(error ?? (tail.split('\n').at(-1) || `exit code ${exit.code}`)) };
    }
    if (held) for (const e of held) yield e;
    if (failed) {
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const detail = [error ? redactor.redact(error) : '', tail].filter(Boolean).join('\n');
      throw new ExecutorError(`${a.id} ${how}${detail ? `: ${detail}` : ''}`);
    }
    if (error) throw new ExecutorError(`${a.id} failed: ${redactor.redact(error)}`);
    return { kind: 'done', sessionId };
  }
}

/** The command that runs the CLI: as is, or inside the attempt's sandbox when the job set one up. */
async function spawnSpec(ctx: CliContext, scratch: Scratch, bin: string, args: string[], env: Record<string, string>) {
  const plan = ctx.req.sandbox;
  if (!plan) return { command: bin, args, env, dispose: async () => {} };
  // Inside the sandbox a missing binary is only "exit 127"; say what the unsandboxed spawn says.
  if (!(await stat(bin).catch(() => null))) throw new ExecutorError(`${ctx.req.spec.id} is not installed on this runner (${bin} not found)`);
  return sandboxedSpawn({
    box: { ...plan.box, scratch: scratch.root }, limits: plan.limits, privateDir: plan.privateDir,
    // The real file: a `.bin` link may live in a place the sandbox hides (the runner's checkout).
    bin: await realpath(bin).catch(() => bin), args, env, processesNow: await plan.processesNow(), cgroup: plan.cgroup,
  });
}
