/**
 * Git-style patches for the diff tests, made the way the runner makes them (runner/src/git/patch.ts:
 * the `diff` package's structuredPatch + formatPatch with isGit, 3 lines of context).
 */
import { formatPatch, structuredPatch } from 'diff';

export type Change = { path: string; before: string | null; after: string | null };

export function gitPatch(changes: Change[]): string {
  return changes.map(({ path, before, after }) => {
    const isCreate = before === null;
    const isDelete = after === null;
    const sp = structuredPatch(isCreate ? '/dev/null' : `a/${path}`, isDelete ? '/dev/null' : `b/${path}`, before ?? '', after ?? '', undefined, undefined, { context: 3 });
    return formatPatch({ ...sp, isGit: true, isCreate, isDelete, ...(isCreate ? { newMode: '100644' } : isDelete ? { oldMode: '100644' } : {}) });
  }).join('');
}

/** A file of n numbered lines ("line 1\n" …), with overrides by line number. */
export function lines(n: number, overrides: Record<number, string | null> = {}): string {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const o = overrides[i];
    if (o === null) continue;
    out.push(o ?? `line ${i}`);
  }
  return out.map((l) => `${l}\n`).join('');
}
