/**
 * One attempt's sandbox, as the job holds it (issue 10): what the executor's processes may see and
 * reach (`plan`, used by every spawn: sandboxed-command.ts), and the watch over its caps — the
 * wall clock, disk use (disk-watch.ts) and, where the runner can make a cgroup (cgroup.ts), the
 * process count and memory of the whole tree. A cap that is hit ends the attempt through
 * `onLimit` with a reason that names it. `close` kills whatever is still running in the attempt's
 * cgroup and says how many processes it had to kill.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { openCgroups, type AttemptCgroup } from './cgroup.ts';
import { watchDisk, type DiskWatch } from './disk-watch.ts';
import type { Limits } from './limits.ts';
import type { AttemptBox } from './srt-settings.ts';

/** What an executor needs to run its processes inside the attempt's sandbox. */
export interface SandboxPlan {
  /** Everything but the executor's own scratch dir, which it adds. */
  box: Omit<AttemptBox, 'scratch'>;
  limits: Limits;
  /** Hidden from the sandbox: where settings files go. */
  privateDir: string;
  /** Call with each spawned process's pid, at once (the cgroup takes it before it forks). */
  onSpawn(pid: number): Promise<void>;
  /** Processes of this user now (the RLIMIT_NPROC base). */
  processesNow(): Promise<number>;
  /** The executor's scratch dir, to count toward the attempt's disk use. */
  addScratch(dir: string): void;
  /** The attempt's cgroup (last path segment) when the runner could make one: spawns wait to be in it. */
  cgroup: string | null;
}

const MB = 1024 * 1024;

async function userProcesses(): Promise<number> {
  const uid = process.getuid?.() ?? -1;
  let n = 0;
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    // Counting /proc entries is cheap; their owner is what RLIMIT_NPROC counts against.
    const st = await stat(`/proc/${name}`).catch(() => null);
    if (st && st.uid === uid) n++;
  }
  return n;
}

export class AttemptSandbox {
  readonly plan: SandboxPlan;
  #cgroup: AttemptCgroup | null = null;
  #disk: DiskWatch;
  #clock: ReturnType<typeof setTimeout>;
  #poll: ReturnType<typeof setInterval> | null = null;
  #ended = false;

  private constructor(plan: SandboxPlan, cgroup: AttemptCgroup | null, onLimit: (reason: string) => void, dirs: string[]) {
    this.plan = plan;
    this.#cgroup = cgroup;
    const limit = (reason: string) => {
      if (this.#ended) return;
      this.#ended = true;
      onLimit(`sandbox: ${reason}`);
    };
    const l = plan.limits;
    this.#clock = setTimeout(() => limit(`the attempt ran past its wall-clock limit of ${Math.round(l.wallClockSecs / 60)} min`), l.wallClockSecs * 1000);
    this.#clock.unref();
    this.#disk = watchDisk(() => dirs, l.maxDiskMb * MB, (used) =>
      limit(`the attempt used ${Math.round(used / MB)} MB of disk, over its limit of ${l.maxDiskMb} MB`));
    this.#checkTree = async () => {
      const h = await cgroup?.hits().catch(() => null);
      if (h && h.pids > 0) limit(`the attempt reached its limit of ${l.maxProcesses} processes at once (a fork bomb?)`);
      else if (h && h.memory > 0) limit(`the attempt ran out of its ${l.maxMemoryMb} MB of memory`);
    };
    if (cgroup) {
      this.#poll = setInterval(() => void this.#checkTree(), 500);
      this.#poll.unref();
    }
  }

  /** Reads the cgroup's refused forks and OOM kills; a hit ends the attempt with its reason. */
  #checkTree: () => Promise<void>;

  static async open(o: {
    name: string;
    box: Omit<AttemptBox, 'scratch'>;
    limits: Limits;
    privateDir: string;
    onLimit: (reason: string) => void;
  }): Promise<AttemptSandbox> {
    const cgroup = await openCgroups(o.name, o.limits.maxProcesses, o.limits.maxMemoryMb);
    const dirs = [o.box.workspace];
    const plan: SandboxPlan = {
      box: o.box,
      limits: o.limits,
      privateDir: o.privateDir,
      onSpawn: async (pid) => cgroup?.add(pid).catch(() => undefined),
      processesNow: userProcesses,
      addScratch: (dir) => void dirs.push(dir),
      cgroup: cgroup ? basename(cgroup.dirs[0]) : null,
    };
    return new AttemptSandbox(plan, cgroup, o.onLimit, dirs);
  }

  /** Whether the process count and memory are bounded for the whole tree (a cgroup), or per process only. */
  get treeLimits(): boolean {
    return this.#cgroup !== null;
  }

  /** Stops the watch and kills what is left in the attempt; returns how many processes were killed. */
  async close(): Promise<number> {
    // One last look before the watch stops: a cap can be hit between two polls and take the agent
    // down with it (under a fork bomb Claude Code cannot start a thread and dies of SIGABRT), and
    // the attempt must end with the cap's reason, not the agent's dying words.
    if (this.#poll) clearInterval(this.#poll);
    await this.#checkTree();
    this.#ended = true;
    clearTimeout(this.#clock);
    if (this.#poll) clearInterval(this.#poll);
    this.#disk.stop();
    return (await this.#cgroup?.destroy()) ?? 0;
  }
}
