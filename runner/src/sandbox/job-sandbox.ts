/**
 * The runner's side of every attempt's sandbox (issue 10): what the runner hides from all of its
 * attempts and which program directories it shows again (`sandboxDeps`, computed once at start),
 * and, per job, the attempt's own box — its workspace, its relay's port, the hosts its repository
 * allows, its caps (the repository's overrides over the runner's defaults) — opened as an
 * AttemptSandbox (attempt-sandbox.ts).
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Assignment } from '../../../protocol/src/index.ts';
import { AttemptSandbox } from './attempt-sandbox.ts';
import { resolveLimits } from './limits.ts';
import { SRT_VENDOR } from './sandboxed-command.ts';

export interface SandboxDeps {
  /** Hidden from every attempt. */
  hidden: string[];
  /** Shown again inside hidden places: Node, the agent CLIs, srt's helpers. */
  programs: string[];
}

/** The dursor checkout this runner runs from (local secrets, local D1 state, the agent CLIs). */
const CHECKOUT = resolve(import.meta.dirname, '../../..');

/** The Cursor agent talks to Cursor's own backend (the one agent that cannot use the gateway). */
const CURSOR_HOSTS = ['*.cursor.sh', '*.cursor.com'];

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/** The `node_modules` a program's real file lives in (its package and the packages it loads), or its own dir. */
export function installRoot(bin: string): string {
  const file = real(bin);
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === 'node_modules') return dir;
  }
  return dirname(file);
}

export function sandboxDeps(o: { stateDir: string; workDir: string; cliBins: string[] }): SandboxDeps {
  return {
    hidden: [...new Set([o.stateDir, o.workDir, homedir(), CHECKOUT, '/tmp', '/var/tmp', '/dev/shm'].map(real))],
    programs: [...new Set([dirname(dirname(real(process.execPath))), real(SRT_VENDOR), ...o.cliBins.map(installRoot)])],
  };
}

/**
 * Before the `.git` snapshot the file policy compares against: srt keeps a repository's hooks
 * and config read-only by binding over them, and cannot make a mount point for a hooks dir that
 * is missing inside a `.git` that is read-only to the sandbox ("Can't create file at .git/hooks").
 */
export async function prepareWorkspaceForSandbox(workspace: string): Promise<void> {
  if (existsSync(join(workspace, '.git'))) await mkdir(join(workspace, '.git', 'hooks'), { recursive: true });
}

export function openJobSandbox(deps: SandboxDeps, o: {
  assignment: Assignment;
  workspace: string;
  relayPort: number | undefined;
  workDir: string;
  onLimit: (reason: string) => void;
}): Promise<AttemptSandbox> {
  const a = o.assignment;
  const hosts = [...(a.sandbox?.allowedHosts ?? []), ...(a.executor.id === 'cursor-agent' ? CURSOR_HOSTS : [])];
  return AttemptSandbox.open({
    name: `${a.runId}-${a.assignment}`,
    box: { workspace: real(o.workspace), hidden: deps.hidden, programs: deps.programs, relayPort: o.relayPort, allowedHosts: hosts },
    limits: resolveLimits(a.sandbox?.limits),
    privateDir: join(o.workDir, 'sandbox'),
    onLimit: o.onLimit,
  });
}
