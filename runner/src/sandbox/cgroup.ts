/**
 * A cgroup per attempt, where the runner may make one (issue 10: "fork-bomb within limits", "its
 * whole process tree is killed"): the kernel then counts the attempt's processes (pids.max) and
 * memory (memory.limit_in_bytes / memory.max) as one tree, says when a cap was hit, and lists every
 * process still in it so that none survives the attempt. rlimits (limits.ts) cannot do this: the
 * process count is per user (and not enforced for root at all).
 *
 * Works with a writable cgroup v1 `pids` (and `memory`) hierarchy — a root runner on most hosts —
 * or a delegated cgroup v2 subtree with the pids controller. Elsewhere (an unprivileged container)
 * `openCgroups` returns null and the rlimits are what bound the attempt.
 */
import { appendFile, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface AttemptCgroup {
  /** The directories of the attempt's groups (one per v1 controller, or one in v2). */
  readonly dirs: string[];
  /** Moves a process (and its future children) into the attempt's groups. */
  add(pid: number): Promise<void>;
  /** How often the process cap refused a fork, and whether the memory cap killed something. */
  hits(): Promise<{ pids: number; memory: number }>;
  /** SIGKILLs every process left in the groups (bounded), then removes the groups. */
  destroy(): Promise<number>;
}

const ROOT = '/sys/fs/cgroup';
const PARENT = `dursor-runner-${process.pid}`;

async function writable(dir: string): Promise<boolean> {
  try {
    await mkdir(join(dir, PARENT), { recursive: true });
    return true;
  } catch {
    return false;
  }
}

async function readNumber(file: string, key?: string): Promise<number> {
  try {
    const text = await readFile(file, 'utf8');
    if (!key) return Number(text.trim()) || 0;
    const m = new RegExp(`^${key}\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function procs(dir: string): Promise<number[]> {
  try {
    return (await readFile(join(dir, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Groups left by runner processes that are gone (killed before they could clean up): whatever
 * still runs in them is killed and the groups removed. Called once at start.
 */
export async function sweepStaleCgroups(): Promise<number> {
  let killed = 0;
  for (const hierarchy of [join(ROOT, 'pids'), join(ROOT, 'memory'), ROOT]) {
    for (const name of await readdir(hierarchy).catch(() => [] as string[])) {
      const m = /^dursor-runner-(\d+)$/.exec(name);
      if (!m || alive(Number(m[1]))) continue;
      const parent = join(hierarchy, name);
      for (const leaf of await readdir(parent, { withFileTypes: true }).catch(() => [])) {
        if (!leaf.isDirectory()) continue;
        for (const pid of await procs(join(parent, leaf.name))) {
          try { process.kill(pid, 'SIGKILL'); killed++; } catch { /* gone */ }
        }
        await new Promise((r) => setTimeout(r, 50));
        await rmdir(join(parent, leaf.name)).catch(() => undefined);
      }
      await rmdir(parent).catch(() => undefined);
    }
  }
  return killed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The attempt's groups, or null when this runner cannot make cgroups. */
export async function openCgroups(name: string, maxProcesses: number, maxMemoryMb: number): Promise<AttemptCgroup | null> {
  const leaf = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  const v1 = { pids: join(ROOT, 'pids'), memory: join(ROOT, 'memory') };
  let dirs: string[];
  let v2 = false;
  if (existsSync(join(v1.pids, 'cgroup.procs')) && await writable(v1.pids)) {
    dirs = [join(v1.pids, PARENT, leaf)];
    if (existsSync(join(v1.memory, 'cgroup.procs')) && await writable(v1.memory)) dirs.push(join(v1.memory, PARENT, leaf));
  } else if ((await readFile(join(ROOT, 'cgroup.controllers'), 'utf8').catch(() => '')).includes('pids') && await writable(ROOT)) {
    v2 = true;
    await writeFile(join(ROOT, PARENT, 'cgroup.subtree_control'), '+pids +memory').catch(() => writeFile(join(ROOT, PARENT, 'cgroup.subtree_control'), '+pids'));
    dirs = [join(ROOT, PARENT, leaf)];
  } else return null;
  try {
    for (const d of dirs) await mkdir(d, { recursive: true });
    for (const d of dirs) {
      if (v2 || d.includes('/pids/')) await writeFile(join(d, 'pids.max'), String(maxProcesses));
      const mem = String(maxMemoryMb * 1024 * 1024);
      if (v2) await writeFile(join(d, 'memory.max'), mem).catch(() => undefined);
      else if (d.includes('/memory/')) await writeFile(join(d, 'memory.limit_in_bytes'), mem);
    }
  } catch {
    for (const d of dirs) await rmdir(d).catch(() => undefined);
    return null;
  }
  return {
    dirs,
    async add(pid) {
      for (const d of dirs) await appendFile(join(d, 'cgroup.procs'), String(pid));
    },
    async hits() {
      let pids = 0;
      let memory = 0;
      for (const d of dirs) {
        if (v2 || d.includes('/pids/')) pids += await readNumber(join(d, 'pids.events'), 'max');
        if (v2) memory += await readNumber(join(d, 'memory.events'), 'oom_kill');
        else if (d.includes('/memory/')) memory += await readNumber(join(d, 'memory.oom_control'), 'oom_kill');
      }
      return { pids, memory };
    },
    async destroy() {
      let killed = 0;
      for (let round = 0; round < 50; round++) {
        const left = [...new Set((await Promise.all(dirs.map(procs))).flat())];
        if (left.length === 0) break;
        for (const pid of left) {
          try {
            process.kill(pid, 'SIGKILL');
            killed++;
          } catch {
            // gone already
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const d of dirs) await rmdir(d).catch(() => undefined);
      return killed;
    },
  };
}
