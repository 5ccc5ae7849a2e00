import { describe, expect, it } from 'vitest';
import { parsePatch } from '../src/lib/diff-parse.ts';

const PATCH = [
  'diff --git a/src/a.ts b/src/a.ts',
  'index 1111111..2222222 100644',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,3 +1,3 @@',
  ' keep',
  '--- this removed line starts with dashes',
  '+++ this added line starts with pluses',
  ' tail',
  'diff --git a/new.txt b/new.txt',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/new.txt',
  '@@ -0,0 +1 @@',
  '+hello',
  '\\ No newline at end of file',
  'diff --git a/gone.md b/gone.md',
  'deleted file mode 100644',
  '--- a/gone.md',
  '+++ /dev/null',
  '@@ -1,2 +0,0 @@',
  '-one',
  '-two',
  '',
].join('\n');

describe('parsePatch', () => {
  const files = parsePatch(PATCH);

  it('splits files and finds their paths, including added and deleted files', () => {
    expect(files.map((f) => f.path)).toEqual(['src/a.ts', 'new.txt', 'gone.md']);
    expect(files[0].header).toContain('index 1111111..2222222 100644');
  });

  it('classifies lines by hunk counts, so a removed "---" line is a removal, not a header', () => {
    expect(files[0].lines.map((l) => l.kind)).toEqual(['hunk', 'ctx', 'del', 'add', 'ctx']);
    expect(files[0].lines[2]).toMatchObject({ text: '--- this removed line starts with dashes', oldNo: 2, newNo: null });
    expect(files[0].lines[3]).toMatchObject({ kind: 'add', newNo: 2 });
  });

  it('handles single-line hunks, the no-newline marker and pure deletions', () => {
    expect(files[1].lines.map((l) => l.kind)).toEqual(['hunk', 'add', 'note']);
    expect(files[2].lines.map((l) => l.kind)).toEqual(['hunk', 'del', 'del']);
  });

  it('returns nothing for an empty patch', () => {
    expect(parsePatch('')).toEqual([]);
  });
});
