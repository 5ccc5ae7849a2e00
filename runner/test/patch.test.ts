import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../testkit/src/index.ts';
import { changedPaths } from '../src/git/changes.ts';
import { buildPatch } from '../src/git/patch.ts';

describe('patch generation', () => {
  let dir: string;
  let base: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'patch-')));
    await git(['init', '--quiet', '-b', 'main', dir]);
    await writeFile(join(dir, 'a.txt'), Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    await writeFile(join(dir, 'gone.txt'), 'bye\nnow\n');
    await writeFile(join(dir, 'nonl.txt'), 'no newline');
    await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n');
    await writeFile(join(dir, 'img.bin'), Buffer.from([0, 1, 2, 3]));
    await git(['-C', dir, 'add', '-A']);
    await git(['-C', dir, 'commit', '--quiet', '-m', 'base']);
    base = (await git(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('matches git: applies cleanly and counts the same lines', async () => {
    const a = (await readFile(join(dir, 'a.txt'), 'utf8')).split('\n');
    a[2] = 'line three';
    a.splice(15, 1);
    await writeFile(join(dir, 'a.txt'), a.join('\n'));
    await rm(join(dir, 'gone.txt'));
    await writeFile(join(dir, 'nonl.txt'), 'no newline, changed');
    await writeFile(join(dir, 'new/deep.ts'.replace('new/', 'new-')), 'export const x = 1;\nexport const y = 2;\n');
    await writeFile(join(dir, 'img.bin'), Buffer.from([0, 9, 9]));
    await symlink('a.txt', join(dir, 'link'));

    const changes = await changedPaths(dir, {});
    const p = await buildPatch(dir, base, changes, {});
    expect(p.patchTruncated).toBe(false);
    expect(p.patch).toContain('diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,');
    expect(p.patch).toContain('diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-bye\n-now\n');
    expect(p.patch).toContain('diff --git a/new-deep.ts b/new-deep.ts\nnew file mode 100644\n--- /dev/null\n+++ b/new-deep.ts\n@@ -0,0 +1,2 @@\n');
    expect(p.patch).toContain('diff --git a/link b/link\nnew file mode 120000\n');
    expect(p.patch).toContain('Binary files a/img.bin and b/img.bin differ');

    // Same numbers as git's own numstat.
    await git(['-C', dir, 'add', '-A']);
    const numstat = (await git(['-C', dir, 'diff', '--cached', '--numstat'])).stdout.trim().split('\n').map((l) => l.split('\t'));
    for (const [add, del, path] of numstat) {
      const f = p.files.find((x) => x.path === path)!;
      if (add === '-') expect(f.binary).toBe(true);
      else expect([f.additions, f.deletions]).toEqual([Number(add), Number(del)]);
    }
    expect(p.files.map((f) => `${f.status} ${f.path}`)).toEqual([
      'deleted gone.txt', 'modified a.txt', 'modified img.bin', 'added link', 'added new-deep.ts', 'modified nonl.txt',
    ].sort((x, y) => x.split(' ')[1].localeCompare(y.split(' ')[1])));
    expect(p.stats).toEqual({ files: 6, additions: p.files.reduce((n, f) => n + f.additions, 0), deletions: p.files.reduce((n, f) => n + f.deletions, 0) });

    // The text part of the patch applies to the base with `git apply`.
    const expected = await readFile(join(dir, 'a.txt'), 'utf8');
    await git(['-C', dir, 'reset', '--quiet', '--hard', base]);
    await git(['-C', dir, 'clean', '-fdq']);
    const textOnly = p.patch.split(/(?=^diff --git )/m).filter((f) => !f.includes('Binary files')).join('');
    await writeFile(join(dir, '..', `${base}.patch`), textOnly);
    await git(['-C', dir, 'apply', join(dir, '..', `${base}.patch`)]);
    await rm(join(dir, '..', `${base}.patch`));
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe(expected);
    expect(await readFile(join(dir, 'nonl.txt'), 'utf8')).toBe('no newline, changed');
    expect(await readFile(join(dir, 'new-deep.ts'), 'utf8')).toBe('export const x = 1;\nexport const y = 2;\n');
  });

  it('cuts the patch on a file boundary at the byte cap', async () => {
    await writeFile(join(dir, 'x1.txt'), 'a'.repeat(500) + '\n');
    await writeFile(join(dir, 'x2.txt'), 'b'.repeat(500) + '\n');
    const p = await buildPatch(dir, base, await changedPaths(dir, {}), {}, 700);
    expect(p.patchTruncated).toBe(true);
    expect(p.patch).toContain('x1.txt');
    expect(p.patch).not.toContain('x2.txt');
    expect(p.stats.files).toBe(2);
  });
});
