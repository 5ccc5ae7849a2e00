/**
 * The run's change set: paths that differ between the base commit (HEAD) and the working tree,
 * from isomorphic-git's statusMatrix. Ignored files (.gitignore) are not part of the change —
 * they are never committed — so neither policy nor the commit sees them.
 */
import * as fs from 'node:fs';
import git from 'isomorphic-git';

export interface ChangedPath {
  path: string;
  status: 'added' | 'modified' | 'deleted';
}

export async function changedPaths(dir: string, gitCache: object): Promise<ChangedPath[]> {
  const rows = await git.statusMatrix({ fs, dir, cache: gitCache });
  const out: ChangedPath[] = [];
  for (const [path, head, workdir] of rows) {
    if (head === 0 && workdir === 2) out.push({ path, status: 'added' });
    else if (head === 1 && workdir === 0) out.push({ path, status: 'deleted' });
    else if (head === 1 && workdir === 2) out.push({ path, status: 'modified' });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
