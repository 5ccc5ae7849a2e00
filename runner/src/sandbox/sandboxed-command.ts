/**
 * Turns "run BIN ARGS in CWD with ENV" into the same command inside the attempt's sandbox (issue 10):
 * `node <srt cli> --settings <file> -c 'cd CWD && … exec prlimit … -- BIN ARGS'`. srt (bubblewrap +
 * socat on Linux) gives the command its own user, PID and network namespaces, read-only views of
 * the filesystem with the attempt's hidden paths emptied (srt-settings.ts), a proxy as its only
 * way out, and ends the whole process tree with it (`--die-with-parent`, PID namespace). prlimit
 * adds the per-process caps (limits.ts).
 *
 * The settings file is written where the sandbox cannot see it (the runner's work dir, mode 0600).
 * srt keeps agents from creating a few dangerous names in the workspace (`.gitconfig`, `.bashrc`,
 * `.mcp.json`, `.vscode`, …) by mounting placeholders there; `dispose` removes any placeholder a
 * killed srt left behind, so none can be committed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DANGEROUS_FILES, getDangerousDirectories } from '@anthropic-ai/sandbox-runtime/dist/sandbox/sandbox-utils.js';
import type { Limits } from './limits.ts';
import { prlimitArgs } from './limits.ts';
import { srtSettings, type AttemptBox } from './srt-settings.ts';

const srtPackage = dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sandbox-runtime/package.json'));
/** srt's command line, and the helpers (seccomp filter) that must stay readable inside the sandbox. */
export const SRT_CLI = join(srtPackage, 'dist', 'cli.js');
export const SRT_VENDOR = join(srtPackage, 'vendor');

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
/**
 * The sandbox must end with the runner, even a SIGKILLed one: setpriv asks the kernel for a SIGTERM
 * to this shell when its parent (the runner) dies, and the shell then kills its whole process
 * group — srt, its proxy bridges, and the shell srt runs bubblewrap in; bubblewrap (die-with-parent)
 * takes the sandbox's PID namespace with it. (srt alone is not enough: the `sh` it starts
 * bubblewrap from outlives it.) The command's own exit status, or the signal that ended it, is
 * passed on. When the attempt has a cgroup, the shell first waits (≤ 2 s) until the runner has put
 * it there (DURSOR_CGROUP names it), so that nothing it starts is outside the attempt's caps.
 */
const REAPER = 'trap "kill -KILL 0" TERM INT HUP; '
  + 'if [ -n "$DURSOR_CGROUP" ]; then i=0; while ! grep -qF "/$DURSOR_CGROUP" /proc/$$/cgroup && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done; fi; '
  + '"$@" & child=$!; wait $child; code=$?; trap - TERM INT HUP; '
  + 'if [ $code -gt 128 ]; then kill -$((code - 128)) $$; fi; exit $code';

export interface SandboxedSpawn {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Removes the settings file and placeholders srt left in the workspace. */
  dispose(): Promise<void>;
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Names srt mounts placeholders over in the workspace, top level. */
const PLACEHOLDER_NAMES = [...DANGEROUS_FILES, ...getDangerousDirectories().map((d: string) => d.split('/')[0])];

async function isEmpty(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => null);
  if (!st) return false;
  if (st.isFile()) return st.size === 0;
  if (st.isDirectory()) {
    const inside = await readdir(path).catch(() => ['?']);
    for (const name of inside) if (!(await isEmpty(join(path, name)))) return false;
    return true;
  }
  return false;
}

export async function sandboxedSpawn(o: {
  box: AttemptBox;
  limits: Limits;
  /** Where the settings file goes (hidden from the sandbox). */
  privateDir: string;
  bin: string;
  args: string[];
  env: Record<string, string>;
  processesNow: number;
  /** The attempt's cgroup (its last path segment), when it has one. */
  cgroup?: string | null;
}): Promise<SandboxedSpawn> {
  await mkdir(o.privateDir, { recursive: true, mode: 0o700 });
  const settingsFile = join(o.privateDir, `srt-${randomBytes(8).toString('hex')}.json`);
  // srt's proxy bridge sockets: bound into the sandbox at their own path, which must be visible there
  // (a hidden /tmp would shadow them: every request then fails) and short (a unix socket path fits 108 bytes).
  const bridges = await mkdtemp(join(tmpdir(), 'dsrt-'));
  const box = { ...o.box, programs: [...o.box.programs, bridges] };
  await writeFile(settingsFile, JSON.stringify(srtSettings(box)), { mode: 0o600 });
  const before = new Set<string>();
  for (const name of PLACEHOLDER_NAMES) if (await stat(join(o.box.workspace, name)).catch(() => null)) before.add(name);
  // srt sets no_proxy for loopback; the gateway relay is on loopback and must go through its proxy.
  const script = [
    `cd ${shellQuote(o.box.workspace)}`,
    'export NO_PROXY= no_proxy=',
    `exec ${[...prlimitArgs(o.limits, o.processesNow), o.bin, ...o.args].map(shellQuote).join(' ')}`,
  ].join(' && ');
  const srt = [process.execPath, SRT_CLI, '--settings', settingsFile, '-c', script];
  const [command, ...args] = [...(SETPRIV ? [SETPRIV, '--pdeathsig', 'TERM', '--'] : []), '/bin/sh', '-c', REAPER, 'sandbox', ...srt];
  return {
    command,
    args,
    env: {
      ...o.env,
      // srt sets the sandbox's TMPDIR to CLAUDE_CODE_TMPDIR (else /tmp/claude, read-only here): the attempt's own.
      ...(o.env.TMPDIR ? { CLAUDE_CODE_TMPDIR: o.env.TMPDIR } : {}),
      TMPDIR: bridges,
      ...(o.cgroup ? { DURSOR_CGROUP: o.cgroup } : {}),
    },
    async dispose() {
      await rm(settingsFile, { force: true });
      await rm(bridges, { recursive: true, force: true });
      for (const name of PLACEHOLDER_NAMES) {
        const path = join(o.box.workspace, name);
        if (!before.has(name) && await isEmpty(path)) await rm(path, { recursive: true, force: true });
      }
    },
  };
}
