/**
 * File policy, enforced on the actual files after the executor (docs/architecture.md §4) — never on the
 * prompt. A run violates it when:
 *   - anything under .git/ changed (compared with a snapshot taken right before the executor),
 *   - any path has a `.git` component in any spelling some git or filesystem treats as `.git`
 *     (`.GIT`, `.git.`, `GIT~1`, `.g<zero-width joiner>it`, `sub/.git/…`) — found by walking the
 *     workspace, because isomorphic-git's status skips nested `.git` directories silently,
 *   - a changed path is a secret file: `.env*`, `*.pem`, `*.key`, `*.secret`, SSH private keys
 *     (`id_rsa`…), `.aws/credentials`, `.netrc`, `.git-credentials` (any depth),
 *   - a changed file's name holds a well-known secret shape (protocol/src/secrets.ts, the same set
 *     the event redaction uses), or its contents gain one (a match already in the base version
 *     does not count), or it is an `.npmrc` with an auth entry,
 *   - `.gitmodules` names a submodule URL that is not https (`ext::`, `file://`, ssh run commands
 *     or read the runner's disk when someone clones recursively),
 *   - a path under `.github/workflows/` changed and the repository does not allow workflow changes
 *     (a per-repository setting, off by default: a workflow runs with the repository's CI secrets),
 *   - a changed path is a symlink whose target resolves outside the workspace,
 *   - a changed file is larger than the size cap.
 * Violations carry a readable reason; job.ts fails the run with them and pushes nothing.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { findSecretShapes, secretMatches } from '../../protocol/src/secrets.ts';
import { changedPaths, type ChangedPath } from './git/changes.ts';

export interface Violation {
  path: string;
  reason: string;
}

export type GitSnapshot = Map<string, string>;

const SECRET_NAME = /^\.env/i;
const SECRET_EXT = /\.(pem|key|secret)$/i;
/** Credential files by name (any depth): SSH private keys, netrc, git's credential store. */
const CREDENTIAL_NAME = /^(id_(rsa|dsa|ecdsa|ed25519)(_sk)?|\.netrc|_netrc|\.git-credentials|\.pgpass)$/i;
/** Credential files by their last two path segments: AWS and Docker keep keys there. */
const CREDENTIAL_PATH = /(^|\/)(\.aws\/(credentials|config)|\.docker\/config\.json)$/i;
/** npm's auth entries (`_authToken`, `_auth`, `_password`, scoped `//host/:_authToken`) in an .npmrc. */
const NPMRC_AUTH = /^\s*(\/\/[^\s=]*:)?(_authToken|_auth|_password)\s*=/im;
const WORKFLOWS = '.github/workflows/';
/**
 * Code points HFS+ ignores in names (git's is_hfs_dotgit, utf8.c): zero-width joiners and marks,
 * directional marks and the BOM, so `.g\u200Dit` opens `.git` on a Mac.
 */
const IGNORABLE = /[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g;
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

/**
 * Whether one path segment is `.git` to some git or filesystem: any case (case-insensitive
 * filesystems), trailing dots, spaces or an NTFS stream suffix (Windows drops or splits them),
 * the NTFS 8.3 short name `GIT~1`, or HFS+-ignorable code points anywhere in it.
 */
export function isGitLookalike(segment: string): boolean {
  const name = segment.replace(IGNORABLE, '').toLowerCase();
  return /^\.git[. ]*(::\$.*)?$/.test(name) || /^git~\d+$/.test(name);
}

const GIT_REASON = '.git in any spelling (case, trailing dots, GIT~1, ignorable characters, nested) may not be committed';

/**
 * Every path in the workspace with a `.git` look-alike segment, other than the root's own .git;
 * gitignored directories are skipped (their contents are never committed). A look-alike directory
 * is reported once, not walked.
 */
async function gitLookalikes(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (path === '.git') continue;
      if (isGitLookalike(e.name)) {
        found.push(path);
        continue;
      }
      if (!e.isDirectory()) continue;
      if (await git.isIgnored({ fs, dir: root, filepath: path }).catch(() => false)) continue;
      await walk(path);
    }
  };
  await walk('');
  return found.sort();
}

/** Submodule URLs in a .gitmodules text that are not plain https (`ext::`, `file://`, ssh, relative). */
export function unsafeSubmoduleUrls(text: string): string[] {
  const urls = [...text.matchAll(/^\s*url\s*=\s*(.*?)\s*$/gim)].map((m) => m[1].replace(/^"(.*)"$/, '$1'));
  return urls.filter((u) => !/^https:\/\/[^\s]+$/i.test(u));
}

/** The file's text at the base commit (HEAD), or '' when it is new there. */
async function baseText(root: string, path: string, gitCache: object): Promise<string> {
  const oid = await git.resolveRef({ fs, dir: root, ref: 'HEAD' });
  const { blob } = await git.readBlob({ fs, dir: root, oid, filepath: path, cache: gitCache }).catch(() => ({ blob: new Uint8Array() }));
  return Buffer.from(blob).toString('utf8');
}

/**
 * Secret shapes the change adds: a match already in the base version of the file (AWS's documented
 * example key in a README, a fixture) was not put there by this run and does not block an edit.
 */
async function addedSecrets(root: string, change: ChangedPath, text: string, gitCache: object): Promise<string[]> {
  const matches = secretMatches(text);
  if (matches.length === 0) return [];
  const before = change.status === 'modified' ? await baseText(root, change.path, gitCache) : '';
  return [...new Set(matches.filter((m) => !before.includes(m.value)).map((m) => m.name))];
}

async function checkContents(root: string, change: ChangedPath, gitCache: object): Promise<Violation[]> {
  const { path } = change;
  const text = await readFile(join(root, path), 'utf8');
  const out: Violation[] = [];
  const shapes = await addedSecrets(root, change, text, gitCache);
  if (shapes.length) out.push({ path, reason: `the file holds a secret (${shapes.join(', ')})` });
  if (basename(path).toLowerCase() === '.npmrc' && NPMRC_AUTH.test(text)) {
    out.push({ path, reason: 'an .npmrc with an auth token may not be committed' });
  }
  if (path === '.gitmodules') {
    for (const url of unsafeSubmoduleUrls(text)) out.push({ path, reason: `submodule URL ${JSON.stringify(url)} is not https` });
  }
  return out;
}

async function checkFile(root: string, change: ChangedPath, o: PolicyOptions): Promise<Violation[]> {
  const { path } = change;
  const out: Violation[] = [];
  if (path.split('/').some(isGitLookalike)) out.push({ path, reason: GIT_REASON });
  if (SECRET_NAME.test(basename(path)) || SECRET_EXT.test(path)) {
    out.push({ path, reason: 'secret files (.env*, *.pem, *.key, *.secret) may not be committed' });
  }
  if (CREDENTIAL_NAME.test(basename(path)) || CREDENTIAL_PATH.test(path)) {
    out.push({ path, reason: 'credential files (SSH keys, .aws/credentials, .netrc, .git-credentials…) may not be committed' });
  }
  const names = findSecretShapes(path);
  if (names.length) out.push({ path, reason: `the file name holds a secret (${names.join(', ')})` });
  if (path.startsWith(WORKFLOWS) && !o.allowWorkflowChanges) {
    out.push({ path, reason: 'workflow changes are off for this repository (Settings → Repositories)' });
  }
  if (change.status === 'deleted') return out;
  const maxFileBytes = o.maxFileBytes;
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
  } else if (st.isFile()) {
    out.push(...(await checkContents(root, change, o.gitCache)));
  }
  return out;
}

export interface PolicyResult {
  violations: Violation[];
  changes: ChangedPath[];
}

export interface PolicyOptions {
  maxFileBytes: number;
  /** isomorphic-git's cache for this workspace (the base versions of modified files are read with it). */
  gitCache: object;
  /** The repository allows changes under .github/workflows/ (its setting; off by default). */
  allowWorkflowChanges?: boolean;
}

/**
 * Checks .git first (statusMatrix itself may refresh .git/index), then `.git` look-alikes anywhere
 * in the workspace, then every changed path. A look-alike that is also a changed path is reported once.
 */
export async function checkPolicy(opts: PolicyOptions & { dir: string; gitBefore: GitSnapshot }): Promise<PolicyResult> {
  const root = await realpath(opts.dir);
  const violations: Violation[] = diffSnapshots(opts.gitBefore, await snapshotGitDir(root)).map((p) => ({
    path: p,
    reason: 'nothing under .git/ may change',
  }));
  const changes = await changedPaths(root, opts.gitCache);
  const lookalikes = await gitLookalikes(root);
  for (const path of lookalikes) {
    if (!changes.some((c) => c.path === path || c.path.startsWith(`${path}/`))) violations.push({ path, reason: GIT_REASON });
  }
  for (const c of changes) violations.push(...(await checkFile(root, c, opts)));
  return { violations, changes };
}
