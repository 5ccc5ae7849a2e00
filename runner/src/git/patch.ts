/**
 * The run's unified patch, git style (`diff --git a/x b/x`, new/deleted file mode, ---/+++,
 * hunks with 3 lines of context), built with the `diff` package from the base commit's blobs
 * and the working tree. Also per-file additions/deletions and DiffStats. The patch is cut at
 * LIMITS.patchMaxBytes on a file boundary (then patchTruncated) — it travels in a result event
 * and a D1 row.
 */
import * as fs from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { formatPatch, structuredPatch } from 'diff';
import { LIMITS, type DiffStats, type FileChange } from '../../../protocol/src/index.ts';
import type { ChangedPath } from './changes.ts';

export interface PatchResult {
  patch: string;
  patchTruncated: boolean;
  files: FileChange[];
  stats: DiffStats;
}

interface Side {
  content: Buffer | null;
  mode: string;
}

const isBinary = (b: Buffer | null) => b !== null && b.subarray(0, 8000).includes(0);

async function baseSide(dir: string, base: string, path: string, gitCache: object): Promise<Side> {
  try {
    const { blob } = await git.readBlob({ fs, dir, oid: base, filepath: path, cache: gitCache });
    let mode = '100644';
    // readBlob does not give the mode; walk the tree entry for it (symlink / executable).
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const { tree } = await git.readTree({ fs, dir, oid: base, filepath: parent || undefined, cache: gitCache });
    const entry = tree.find((e) => e.path === path.slice(path.lastIndexOf('/') + 1));
    if (entry) mode = entry.mode;
    return { content: Buffer.from(blob), mode };
  } catch {
    return { content: null, mode: '100644' };
  }
}

async function workSide(dir: string, path: string): Promise<Side> {
  const abs = join(dir, path);
  const st = await lstat(abs).catch(() => null);
  if (!st) return { content: null, mode: '100644' };
  if (st.isSymbolicLink()) return { content: Buffer.from(await readlink(abs)), mode: '120000' };
  return { content: await readFile(abs), mode: st.mode & 0o111 ? '100755' : '100644' };
}

/** One file's git-style patch text and its line counts. */
export function filePatch(path: string, before: Side, after: Side): { text: string; additions: number; deletions: number; binary: boolean } {
  const isCreate = before.content === null;
  const isDelete = after.content === null;
  if (isBinary(before.content) || isBinary(after.content)) {
    const head = [`diff --git a/${path} b/${path}`];
    if (isCreate) head.push(`new file mode ${after.mode}`);
    if (isDelete) head.push(`deleted file mode ${before.mode}`);
    head.push(`Binary files ${isCreate ? '/dev/null' : `a/${path}`} and ${isDelete ? '/dev/null' : `b/${path}`} differ`);
    return { text: head.join('\n') + '\n', additions: 0, deletions: 0, binary: true };
  }
  const sp = structuredPatch(
    isCreate ? '/dev/null' : `a/${path}`,
    isDelete ? '/dev/null' : `b/${path}`,
    before.content?.toString('utf8') ?? '',
    after.content?.toString('utf8') ?? '',
    undefined,
    undefined,
    { context: 3 },
  );
  let additions = 0;
  let deletions = 0;
  for (const h of sp.hunks) {
    for (const l of h.lines) {
      if (l.startsWith('+')) additions++;
      else if (l.startsWith('-')) deletions++;
    }
  }
  // git prints modes only for creations, deletions and mode changes.
  const modes = isCreate ? { newMode: after.mode } : isDelete ? { oldMode: before.mode }
    : before.mode !== after.mode ? { oldMode: before.mode, newMode: after.mode } : {};
  const text = formatPatch({ ...sp, isGit: true, isCreate, isDelete, ...modes });
  return { text, additions, deletions, binary: false };
}

export async function buildPatch(dir: string, baseCommit: string, changes: ChangedPath[], gitCache: object, maxBytes: number = LIMITS.patchMaxBytes): Promise<PatchResult> {
  const files: FileChange[] = [];
  const parts: string[] = [];
  let bytes = 0;
  let patchTruncated = false;
  for (const c of changes) {
    const before = c.status === 'added' ? { content: null, mode: '100644' } : await baseSide(dir, baseCommit, c.path, gitCache);
    const after = c.status === 'deleted' ? { content: null, mode: '100644' } : await workSide(dir, c.path);
    const p = filePatch(c.path, before, after);
    files.push({ path: c.path, status: c.status, additions: p.additions, deletions: p.deletions, ...(p.binary ? { binary: true } : {}) });
    const size = Buffer.byteLength(p.text);
    if (!patchTruncated && bytes + size <= maxBytes) {
      parts.push(p.text);
      bytes += size;
    } else patchTruncated = true;
  }
  const stats: DiffStats = {
    files: files.length,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
  };
  return { patch: parts.join(''), patchTruncated, files, stats };
}
