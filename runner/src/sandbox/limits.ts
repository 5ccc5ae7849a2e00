/**
 * What one attempt may use (issue 10: "wall-clock, CPU/memory and output caps per attempt,
 * defaults, per-repo overrides"). Defaults here; an assignment may carry the repository's
 * overrides (`Assignment.sandbox.limits`), the smaller of the runner's and the repo's winning for
 * anything the runner also caps. Enforcement: the per-process ones as rlimits on the sandboxed
 * command (`prlimit`), the process count and total memory by a cgroup when the runner may make
 * one (cgroup.ts), the disk use by a watcher (disk-watch.ts), the wall clock and output by the job.
 */
import type { SandboxLimits } from '../../../protocol/src/index.ts';

export type Limits = Required<SandboxLimits>;

export const DEFAULT_LIMITS: Limits = {
  /** One attempt, start to end. */
  wallClockSecs: 3600,
  /** Processes (and threads) alive at once in the attempt's sandbox: stops a fork bomb. */
  maxProcesses: 512,
  /** Memory: per process as a data-segment limit (RLIMIT_DATA), for the whole attempt where a cgroup exists. */
  maxMemoryMb: 4096,
  /** CPU seconds per process (a runaway loop is killed with SIGXCPU). */
  maxCpuSecs: 3600,
  /** The largest file any process may write. */
  maxFileMb: 1024,
  /** Workspace + scratch on disk. */
  maxDiskMb: 4096,
  /** What the agent may print on stdout + stderr over the attempt. */
  maxOutputMb: 64,
};

export function resolveLimits(overrides: SandboxLimits | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined)) } as Limits;
}

const MB = 1024 * 1024;

/**
 * `prlimit` arguments that put the per-process caps on the sandboxed command. The process cap as
 * RLIMIT_NPROC counts every process of the runner's user (the kernel has no per-tree count) and
 * is not enforced for root at all, so it is `processesNow + maxProcesses`, and a cgroup (when
 * available) is what really bounds the attempt. Memory is RLIMIT_DATA, not RLIMIT_AS: WebAssembly
 * (Node's own fetch parser) reserves gigabytes of address space it never uses, and an
 * address-space cap kills Gemini CLI at start ("Cannot allocate Wasm memory").
 */
export function prlimitArgs(l: Limits, processesNow: number): string[] {
  return [
    'prlimit',
    `--nproc=${processesNow + l.maxProcesses}`,
    `--data=${l.maxMemoryMb * MB}`,
    `--cpu=${l.maxCpuSecs}`,
    `--fsize=${l.maxFileMb * MB}`,
    '--',
  ];
}
