/**
 * Keeps one child process of `npm start` running (issue 9): it is spawned in its own process
 * group (wrangler starts workerd children; the whole group is stopped together, so no orphan keeps
 * the port), its output passes through while the last lines are kept, and when it exits without
 * being asked to, the supervisor says why in words (exit-reason.ts) and starts it again after a
 * short backoff — 1 s, 2 s, 4 s … at most 10 s, back to 1 s once it stayed up for a minute.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { explainExit } from './exit-reason.ts';

export interface SupervisedOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each line the child prints, after it was passed through. */
  onLine?: (line: string) => void;
  /** Called after a restart's spawn; e.g. wait until it answers and say so. */
  onRestart?: (attempt: number) => void;
  log: (msg: string) => void;
  /** Where the child's output goes (default: this process's stdout). */
  out?: (text: string) => void;
  /** Exit codes that mean "starting again will not help" (the child said why): no restart, `onFinal` instead. */
  finalCodes?: number[];
  onFinal?: (code: number) => void;
}

const TAIL_CHARS = 16_000;
const STABLE_MS = 60_000;
const delays = [1_000, 2_000, 4_000, 8_000, 10_000];

export class Supervised {
  readonly #o: SupervisedOptions;
  #child: ChildProcess | null = null;
  #stopping = false;
  #restarts = 0;
  #streak = 0;
  #startedAt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(o: SupervisedOptions) {
    this.#o = o;
    this.#spawn();
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** How many times the child was started again after dying. */
  get restarts(): number {
    return this.#restarts;
  }

  #spawn(): void {
    const o = this.#o;
    const child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#startedAt = Date.now();
    let tail = '';
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      (o.out ?? ((t: string) => void process.stdout.write(t)))(text);
      tail = (tail + text).slice(-TAIL_CHARS);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) o.onLine?.(line);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      killGroup(child, 'SIGKILL'); // children it left behind (workerd) must not hold the port
      if (this.#stopping) return;
      if (code !== null && o.finalCodes?.includes(code)) {
        this.#stopping = true;
        o.onFinal?.(code);
        return;
      }
      this.#streak = Date.now() - this.#startedAt > STABLE_MS ? 1 : this.#streak + 1;
      const delay = delays[Math.min(this.#streak, delays.length) - 1];
      o.log(`${o.name} ${explainExit(code, signal, tail)}. Starting it again in ${delay / 1000} s, on the same state.`);
      this.#timer = setTimeout(() => {
        this.#timer = null;
        if (this.#stopping) return;
        this.#restarts++;
        this.#spawn();
        o.onRestart?.(this.#restarts);
      }, delay);
    });
  }

  /** Stops the child (and its group) for good; resolves when it is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}
