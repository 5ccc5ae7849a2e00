/**
 * The environment an agent CLI sees (docs/architecture.md §3, §7): built from nothing, never copied from the
 * runner's own env, so no runner credential, registration token or inherited provider key can
 * reach the agent or the commands it runs. Only PATH (with the runner's Node first, the CLIs are
 * Node programs), the per-run HOME and TMPDIR, LANG, and the executor's own variables.
 */
import { dirname } from 'node:path';

export interface CliScratch {
  /** Per-run HOME: the CLI's settings, caches and session files; removed after the run. */
  home: string;
  tmp: string;
}

export function baseEnv(scratch: CliScratch, extra: Record<string, string>, parentPath = process.env.PATH ?? ''): Record<string, string> {
  const nodeDir = dirname(process.execPath);
  const path = [nodeDir, ...parentPath.split(':').filter((p) => p && p !== nodeDir)].join(':') || '/usr/local/bin:/usr/bin:/bin';
  return {
    PATH: path,
    HOME: scratch.home,
    TMPDIR: scratch.tmp,
    LANG: 'C.UTF-8',
    // `git status` run by an agent must not rewrite .git/index: the runner fails any run whose
    // .git changed (policy.ts), and dursor alone writes git state.
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
    NO_COLOR: '1',
    CI: '1',
    ...extra,
  };
}
