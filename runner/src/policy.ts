/**
 * File policy, enforced on the actual files after the executor (DESIGN §4) — never on the
 * prompt. A run violates it when:
 *   - anything under .git/ changed (compared with a snapshot taken right before the executor),
 *   - a changed path is a secret file: `.env*`, `*.pem`, `*.key`, `*.secret` (any depth),
 *   - a changed path is a symlink whose target resolves outside the workspace,
 *   - a changed file is larger than the size cap.
 * Violations carry a readable reason; job.ts fails the run with them and pushes nothing.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { changedPaths, type ChangedPath } from './git/changes.ts';

export interface Violation {
  path: string;
  reason: string;
}

export type GitSnapshot = Map<string, string>;

const SECRET_NAME = /^\.env/i;
const SECRET_EXT = /\.(pem|key|secret)$/i;
/** Small files (config, hooks, refs, HEAD) are hashed, big ones (packs) compared by stat. */
const HASH_BELOW = 256 * 1024;

export function formatViolation(v: Violation): string {
  return `policy: ${v.path} — ${v.reason}`;
}

export function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Every entry under `<dir>/.git` with its type, mode, size, mtime and (small files) content hash. */
export async function snapshotGitDir(dir: string): Promise<GitSnapshot> {
  const snap: GitSnapshot = new Map();
  const walk = async (abs: string, rel: string): Promise<void> => {
    const st = await lstat(abs);
    // A directory's own size/mtime only echo its entries, which are compared one by one.
    let sig = st.isDirectory() ? `${st.mode}:dir` : `${st.mode}:${st.size}:${st.mtimeMs}`;
    if (st.isSymbolicLink()) sig += `:->${await readlink(abs)}`;
    else if (st.isFile() && st.size < HASH_BELOW) sig += `:${createHash('sha256').update(await readFile(abs)).digest('hex')}`;
    snap.set(rel, sig);
    if (st.isDirectory()) for (const name of await readdir(abs)) await walk(join(abs, name), `${rel}/${name}`);
  };
  await walk(join(dir, '.git'), '.git');
  return snap;
}

export function diffSnapshots(before: GitSnapshot, after: GitSnapshot): string[] {
  const changed: string[] = [];
  for (const [p, sig] of after) if (before.get(p) !== sig) changed.push(p);
  for (const p of before.keys()) if (!after.has(p)) changed.push(p);
  return changed.sort();
}

async function checkFile(root: string, change: ChangedPath, maxFileBytes: number): Promise<Violation[]> {
  const { path } = change;
  const out: Violation[] = [];
  if (path.split('/').includes('.git')) out.push({ path, reason: 'nothing under .git/ may be committed' });
  if (SECRET_NAME.test(basename(path)) || SECRET_EXT.test(path)) {
    out.push({ path, reason: 'secret files (.env*, *.pem, *.key, *.secret) may not be committed' });
  }
  if (change.status === 'deleted') return out;
  const abs = join(root, path);
  const st = await lstat(abs);
  if (st.isSymbolicLink()) {
    const target = await readlink(abs);
    let escapes = !isInside(root, resolve(dirname(abs), target));
    if (!escapes) {
      // An inside-looking target may itself be a link that leads out.
      const real = await realpath(abs).catch(() => null);
      escapes = real !== null && !isInside(root, real);
    }
    if (escapes) out.push({ path, reason: `symlink points outside the workspace (→ ${target})` });
  } else if (st.size > maxFileBytes) {
    out.push({ path, reason: `file is ${humanBytes(st.size)}, over the ${humanBytes(maxFileBytes)} size cap` });
  }
  return out;
}

export interface PolicyResult {
  violations: Violation[];
  changes: ChangedPath[];
}

/** Checks .git first (statusMatrix itself may refresh .git/index), then every changed path. */
export async function checkPolicy(opts: { dir: string; gitBefore: GitSnapshot; maxFileBytes: number; gitCache: object }): Promise<PolicyResult> {
  const root = await realpath(opts.dir);
  const violations: Violation[] = diffSnapshots(opts.gitBefore, await snapshotGitDir(root)).map((p) => ({
    path: p,
    reason: 'nothing under .git/ may change',
  }));
  const changes = await changedPaths(root, opts.gitCache);
  for (const c of changes) violations.push(...(await checkFile(root, c, opts.maxFileBytes)));
  return { violations, changes };
}
