/**
 * Small helpers around the native `git` CLI for the test kit and the benchmark: run a command
 * with a fixed, config-free environment, and write a file tree (files and symlinks) to disk.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Deterministic identity; ignore the machine's global/system git config. */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'testkit',
  GIT_AUTHOR_EMAIL: 'testkit@dursor.test',
  GIT_COMMITTER_NAME: 'testkit',
  GIT_COMMITTER_EMAIL: 'testkit@dursor.test',
  GIT_TERMINAL_PROMPT: '0',
};

export interface GitResult { code: number; stdout: string; stderr: string }

export function git(args: string[], opts: { cwd?: string; allowFail?: boolean } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: opts.cwd, env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      if (code !== 0 && !opts.allowFail) reject(new Error(`git ${args.join(' ')} failed (${code}): ${stderr.trim()}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

/** Writes files (null = delete) and symlinks under `root`, creating directories as needed. */
export async function writeTree(root: string, files: Record<string, string | null>, symlinks: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (content === null) {
      await rm(full, { force: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  for (const [path, target] of Object.entries(symlinks)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    await symlink(target, full);
  }
}
