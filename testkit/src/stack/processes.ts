/**
 * Child processes of a test: started with their output kept in memory (and echoed when
 * DURSOR_E2E_VERBOSE is set), always killed when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const live = new Set<Proc>();

/** Signals the child's whole process group (it was spawned detached, so the group is its pid). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* the group is already gone */
  }
}

export function startProcess(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  // Own process group: wrangler starts workerd children, and a signal to the group reaches them all.
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const onData = (d: Buffer) => {
    const s = d.toString();
    out += s;
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
    if (process.env.DURSOR_E2E_VERBOSE) process.stderr.write(s.replace(/^/gm, `[${name}] `));
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: Proc = {
    child,
    output: () => out,
    exited,
    async kill(signal = 'SIGTERM') {
      signalGroup(child, signal);
      const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      signalGroup(child, 'SIGKILL');
      live.delete(proc);
      return code;
    },
  };
  live.add(proc);
  exited.then(() => live.delete(proc));
  return proc;
}

export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill('SIGKILL')));
}
