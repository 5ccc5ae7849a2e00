/**
 * Git plumbing on the fake's bare repositories, so refs, merges and compares are real git:
 * ref reads (sync, straight from the ref files, so PR heads can follow branches live), ancestry,
 * ranges, `merge-tree --write-tree` + `commit-tree` merges, compare-and-swap ref updates, trees
 * and blobs. Every rev comes from a request, so revs starting with `-` are refused.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GIT_ENV } from '../git-cli.ts';

export const ZERO_SHA = '0'.repeat(40);
export const SHA = /^[0-9a-f]{40}$/;

export interface GitOut { code: number; stdout: Buffer; stderr: string }
export interface CommitInfo {
  sha: string; tree: string; parents: string[]; message: string;
  author: { name: string; email: string; date: string }; committer: { name: string; email: string; date: string };
}

const env = (extra: Record<string, string>) => ({ ...process.env, ...GIT_ENV, ...extra });

export function run(bare: string, args: string[], extraEnv: Record<string, string> = {}): Promise<GitOut> {
  return new Promise((resolve) => {
    execFile('git', ['--git-dir', bare, ...args], { env: env(extraEnv), encoding: 'buffer', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr: stderr.toString('utf8') });
    });
  });
}

async function text(bare: string, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const r = await run(bare, args, extraEnv);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout.toString('utf8');
}

/** A ref name safe to use as a path and a git argument (git's check-ref-format rules, roughly). */
export function safeRef(ref: string): boolean {
  return /^refs\/[^\0-\x20~^:?*[\\]+$/.test(ref) && !/\.\.|\/\/|\/$|\.lock(\/|$)|@\{|\/\./.test(ref);
}

/** Current sha of a full ref (`refs/heads/x`), read from the loose file or packed-refs. */
export function readRefSync(bare: string, ref: string): string | null {
  if (!safeRef(ref)) return null;
  const loose = join(bare, ref);
  if (existsSync(loose)) {
    const sha = readFileSync(loose, 'utf8').trim();
    return SHA.test(sha) ? sha : null;
  }
  const packed = join(bare, 'packed-refs');
  if (!existsSync(packed)) return null;
  for (const line of readFileSync(packed, 'utf8').split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && SHA.test(sha)) return sha;
  }
  return null;
}

/** Resolves a sha, branch or tag to a commit sha; null when there is no such commit. */
export async function resolveCommit(bare: string, rev: string): Promise<string | null> {
  if (!rev || rev.startsWith('-')) return null;
  const r = await run(bare, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

export async function isAncestor(bare: string, ancestor: string, of: string): Promise<boolean> {
  const r = await run(bare, ['merge-base', '--is-ancestor', ancestor, of]);
  if (r.code > 1) throw new Error(`git merge-base failed: ${r.stderr.trim()}`);
  return r.code === 0;
}

export async function mergeBase(bare: string, a: string, b: string): Promise<string | null> {
  const r = await run(bare, ['merge-base', a, b]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

export async function countRange(bare: string, from: string, to: string): Promise<number> {
  return Number.parseInt(await text(bare, ['rev-list', '--count', `${from}..${to}`]), 10);
}

const FORMAT = '%H%x1f%T%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1e';

function parseCommits(out: string): CommitInfo[] {
  return out.split('\x1e').map((s) => s.replace(/^\n/, '')).filter(Boolean).map((rec) => {
    const [sha, tree, parents, an, ae, ad, cn, ce, cd, message] = rec.split('\x1f');
    return {
      sha, tree, parents: parents ? parents.split(' ') : [], message: message.replace(/\n+$/, ''),
      author: { name: an, email: ae, date: ad }, committer: { name: cn, email: ce, date: cd },
    };
  });
}

export async function commitInfo(bare: string, sha: string): Promise<CommitInfo> {
  return parseCommits(await text(bare, ['log', '-1', `--format=${FORMAT}`, sha]))[0];
}

/** Commits reachable from `to` but not `from`, oldest first. */
export async function commitsBetween(bare: string, from: string, to: string): Promise<CommitInfo[]> {
  return parseCommits(await text(bare, ['log', '--reverse', `--format=${FORMAT}`, `${from}..${to}`]));
}

/** Three-way merge without a work tree: the merged tree's sha, or null on conflicts. */
export async function mergeTree(bare: string, ours: string, theirs: string): Promise<string | null> {
  const r = await run(bare, ['merge-tree', '--write-tree', '--no-messages', ours, theirs]);
  if (r.code === 1) return null;
  if (r.code !== 0) throw new Error(`git merge-tree failed: ${r.stderr.trim()}`);
  return r.stdout.toString('utf8').split('\n')[0].trim();
}

export async function commitTree(
  bare: string, tree: string, parents: string[], message: string, author: { name: string; email: string },
): Promise<string> {
  // As on GitHub: the API caller authors the merge, GitHub commits it.
  const ident = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' };
  return (await text(bare, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message], ident)).trim();
}

/** Compare-and-swap: sets `ref` to `sha` only if it is still `old` (ZERO_SHA: must not exist). */
export async function updateRef(bare: string, ref: string, sha: string, old: string): Promise<boolean> {
  if (!safeRef(ref)) return false;
  return (await run(bare, ['update-ref', ref, sha, old])).code === 0;
}

export async function deleteRef(bare: string, ref: string, old: string): Promise<boolean> {
  if (!safeRef(ref)) return false;
  return (await run(bare, ['update-ref', '-d', ref, old])).code === 0;
}

export async function branches(bare: string): Promise<Array<{ name: string; sha: string }>> {
  const out = await text(bare, ['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads']);
  return out.split('\n').filter(Boolean).map((l) => {
    const i = l.lastIndexOf(' ');
    return { name: l.slice(0, i), sha: l.slice(i + 1) };
  });
}

export interface TreeEntry { mode: string; type: string; sha: string; size: number; path: string }

/** `ls-tree` of one path (`''` = the root): the entry itself, or the directory's children. */
export async function lsTree(bare: string, commit: string, path: string, children: boolean): Promise<TreeEntry[]> {
  const spec = path === '' ? [] : ['--', children ? `${path}/` : path];
  const r = await run(bare, ['ls-tree', '-l', '-z', commit, ...spec]);
  if (r.code !== 0) return [];
  return r.stdout.toString('utf8').split('\0').filter(Boolean).map((line) => {
    const tab = line.indexOf('\t');
    const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
    return { mode, type, sha, size: Number.parseInt(size, 10) || 0, path: line.slice(tab + 1) };
  });
}

export async function readBlob(bare: string, sha: string): Promise<Buffer> {
  const r = await run(bare, ['cat-file', 'blob', sha]);
  if (r.code !== 0) throw new Error(`git cat-file failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export interface DiffFile { filename: string; status: string; additions: number; deletions: number; changes: number }

const STATUS: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' };

function parseDiff(numstat: string, nameStatus: string): DiffFile[] {
  const status = new Map<string, string>();
  for (const l of nameStatus.split('\n').filter(Boolean)) {
    const [s, ...names] = l.split('\t');
    status.set(names[names.length - 1], STATUS[s[0]] ?? 'modified');
  }
  return numstat.split('\n').filter(Boolean).map((l) => {
    const [a, d, name] = l.split('\t');
    const additions = Number.parseInt(a, 10) || 0;
    const deletions = Number.parseInt(d, 10) || 0;
    return { filename: name, status: status.get(name) ?? 'modified', additions, deletions, changes: additions + deletions };
  });
}

export async function diffFiles(bare: string, from: string, to: string): Promise<DiffFile[]> {
  const [numstat, names] = await Promise.all([
    text(bare, ['diff', '--no-renames', '--numstat', from, to]), text(bare, ['diff', '--no-renames', '--name-status', from, to]),
  ]);
  return parseDiff(numstat, names);
}

/** Sync twin of the PR stats (commits, files, lines) for webhook payload builders, which are sync. */
export function pullStatsSync(bare: string, base: string, head: string): { commits: number; files: DiffFile[] } {
  const g = (args: string[]) => execFileSync('git', ['--git-dir', bare, ...args], { env: env({}), encoding: 'utf8' });
  try {
    const mb = g(['merge-base', base, head]).trim();
    return { commits: Number.parseInt(g(['rev-list', '--count', `${mb}..${head}`]), 10), files: parseDiff(g(['diff', '--no-renames', '--numstat', mb, head]), g(['diff', '--no-renames', '--name-status', mb, head])) };
  } catch {
    return { commits: 0, files: [] };
  }
}

/** Branch names whose head is `sha` (sync; for status webhook payloads). */
export function branchesAtSync(bare: string, sha: string): string[] {
  if (!SHA.test(sha)) return [];
  const out = execFileSync('git', ['--git-dir', bare, 'for-each-ref', '--points-at', sha, '--format=%(refname:strip=2)', 'refs/heads'], { env: env({}), encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}
