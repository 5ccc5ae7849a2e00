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
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DANGEROUS_FILES, getDangerousDirectories } from '@anthropic-ai/sandbox-runtime/dist/sandbox/sandbox-utils.js';
import type { Limits } from './limits.ts';
import { prlimitArgs } from './limits.ts';
import { srtSettings, type AttemptBox } from './srt-settings.ts';

const srtPackage = dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sandbox-runtime/package.json'));
/** srt's command line, and the helpers (seccomp filter) that must stay readable inside the sandbox. */
export const SRT_CLI = join(srtPackage, 'dist', 'cli.js');
export const SRT_VENDOR = join(srtPackage, 'vendor');

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
}): Promise<SandboxedSpawn> {
  await mkdir(o.privateDir, { recursive: true, mode: 0o700 });
  const settingsFile = join(o.privateDir, `srt-${randomBytes(8).toString('hex')}.json`);
  await writeFile(settingsFile, JSON.stringify(srtSettings(o.box)), { mode: 0o600 });
  const before = new Set<string>();
  for (const name of PLACEHOLDER_NAMES) if (await stat(join(o.box.workspace, name)).catch(() => null)) before.add(name);
  // srt sets no_proxy for loopback; the gateway relay is on loopback and must go through its proxy.
  const script = [
    `cd ${shellQuote(o.box.workspace)}`,
    'export NO_PROXY= no_proxy=',
    `exec ${[...prlimitArgs(o.limits, o.processesNow), o.bin, ...o.args].map(shellQuote).join(' ')}`,
  ].join(' && ');
  return {
    command: process.execPath,
    args: [SRT_CLI, '--settings', settingsFile, '-c', script],
    // srt sets the sandbox's TMPDIR to CLAUDE_CODE_TMPDIR (else /tmp/claude, read-only here): the attempt's own.
    env: { ...o.env, ...(o.env.TMPDIR ? { CLAUDE_CODE_TMPDIR: o.env.TMPDIR } : {}) },
    async dispose() {
      await rm(settingsFile, { force: true });
      for (const name of PLACEHOLDER_NAMES) {
        const path = join(o.box.workspace, name);
        if (!before.has(name) && await isEmpty(path)) await rm(path, { recursive: true, force: true });
      }
    },
  };
}
