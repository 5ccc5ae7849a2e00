/**
 * Runs one agent CLI process (docs/architecture.md §3, §6): spawned in the workspace with exactly the env it is
 * given, in its own process group (so the tools it starts die with it), stdin closed, stdout split
 * into lines (the CLIs print JSONL), and the tail of stderr kept for a readable failure reason.
 * Cancel sends SIGTERM to the whole group, then SIGKILL after the grace period. What the process
 * prints in all (stdout + stderr) is capped (`maxOutputBytes`, issue 10): past it, the process is
 * killed and its exit says so.
 */
import { spawn } from 'node:child_process';
import { LIMITS } from '../../../../protocol/src/index.ts';

export interface CliProcessOptions {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  graceMs?: number;
  /** Called with the pid right after the spawn (the attempt's cgroup takes it before it forks). */
  onSpawn?: (pid: number) => Promise<void> | void;
  maxOutputBytes?: number;
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The process could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  /** It was killed for printing more than `maxOutputBytes`. */
  outputCapped?: boolean;
}

export interface CliProcess {
  lines: AsyncIterable<string>;
  exit: Promise<CliExit>;
  /** The last lines the process wrote to stderr (bounded). */
  stderrTail(maxLines?: number): string;
  kill(): void;
}

/** One JSON line from a CLI can carry a whole file; past this, the line is dropped rather than buffered. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const STDERR_KEEP_BYTES = 16 * 1024;

export function spawnCli(o: CliProcessOptions): CliProcess {
  const child = spawn(o.bin, o.args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) void o.onSpawn?.(child.pid);
  let printed = 0;
  let outputCapped = false;
  const count = (n: number) => {
    printed += n;
    if (o.maxOutputBytes !== undefined && printed > o.maxOutputBytes && !outputCapped) {
      outputCapped = true;
      kill();
    }
  };
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    count(chunk.length);
    stderr += chunk;
    if (stderr.length > STDERR_KEEP_BYTES * 2) stderr = stderr.slice(-STDERR_KEEP_BYTES);
  });

  let killTimer: ReturnType<typeof setTimeout> | null = null;
  let exited = false;
  const signalGroup = (sig: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      try { child.kill(sig); } catch { /* already gone */ }
    }
  };
  const kill = () => {
    if (killTimer || exited) return;
    signalGroup('SIGTERM');
    killTimer = setTimeout(() => signalGroup('SIGKILL'), o.graceMs ?? LIMITS.cancelGraceMs);
    killTimer.unref();
  };
  const onAbort = () => kill();
  if (o.signal.aborted) queueMicrotask(kill);
  else o.signal.addEventListener('abort', onAbort, { once: true });

  const exit = new Promise<CliExit>((resolve) => {
    child.once('error', (e) => {
      exited = true;
      resolve({ code: null, signal: null, spawnError: (e as NodeJS.ErrnoException).code ?? e.message });
    });
    // Tools the CLI left running in its group (a dev server, a watcher, a sandbox's proxy bridge)
    // must not outlive it — nor hold its output open, which would keep 'close' from ever coming.
    const reap = () => {
      if (child.pid !== undefined) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group empty */ }
    };
    child.once('exit', reap);
    child.once('close', (code, sig) => {
      exited = true;
      if (killTimer) clearTimeout(killTimer);
      reap();
      o.signal.removeEventListener('abort', onAbort);
      resolve({ code, signal: sig, ...(outputCapped ? { outputCapped } : {}) });
    });
  });

  async function* lines(): AsyncGenerator<string> {
    const out = child.stdout!;
    out.setEncoding('utf8');
    let buf = '';
    let dropping = false;
    for await (const chunk of out as AsyncIterable<string>) {
      count(chunk.length);
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (dropping) { dropping = false; continue; }
        if (line.trim()) yield line;
      }
      if (buf.length > MAX_LINE_BYTES) { buf = ''; dropping = true; }
    }
    if (buf.trim() && !dropping) yield buf;
  }

  return {
    lines: lines(),
    exit,
    kill,
    stderrTail(maxLines = 15) {
      return stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-maxLines).join('\n');
    },
  };
}
