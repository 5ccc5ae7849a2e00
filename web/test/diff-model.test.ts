import { describe, expect, it } from 'vitest';
import { buildDiffModel, splitRows } from '../src/lib/diff-model.ts';
import { gitPatch, lines } from './diff-fixtures.ts';

const HAND_WRITTEN = [
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
  'diff --git a/logo.png b/logo.png',
  'new file mode 100644',
  'Binary files /dev/null and b/logo.png differ',
  'diff --git a/run.sh b/run.sh',
  'old mode 100644',
  'new mode 100755',
  '',
].join('\n');

describe('buildDiffModel', () => {
  const model = buildDiffModel(HAND_WRITTEN);

  it('finds each file, its status and paths, including binary and mode-only changes', () => {
    expect(model.error).toBeNull();
    expect(model.files.map((f) => [f.path, f.status, f.binary])).toEqual([
      ['src/a.ts', 'modified', false],
      ['new.txt', 'added', false],
      ['gone.md', 'deleted', false],
      ['logo.png', 'added', true],
      ['run.sh', 'modified', false],
    ]);
    expect(model.files[2]).toMatchObject({ oldPath: 'gone.md', newPath: null });
    expect(model.files[4]).toMatchObject({ modeChange: '100644 → 100755', hunks: [] });
  });

  it('reads a removed "---" line as a removal by the hunk counts, and numbers both sides', () => {
    const [h] = model.files[0].hunks;
    expect(h.lines.map((l) => [l.kind, l.text, l.oldNo, l.newNo])).toEqual([
      ['ctx', 'keep', 1, 1],
      ['del', '-- this removed line starts with dashes', 2, null],
      ['add', '++ this added line starts with pluses', null, 2],
      ['ctx', 'tail', 3, 3],
    ]);
    expect(h.header).toBe('@@ -1,3 +1,3 @@');
  });

  it('keeps git numbers in headers of empty sides and marks "no newline at end"', () => {
    expect(model.files[1].hunks[0].header).toBe('@@ -0,0 +1,1 @@');
    expect(model.files[1].hunks[0].lines).toEqual([{ kind: 'add', text: 'hello', oldNo: null, newNo: 1, noEol: true }]);
    expect(model.files[2].hunks[0].header).toBe('@@ -1,2 +0,0 @@');
  });

  it('counts +/− per file and for the whole patch', () => {
    expect(model.files.map((f) => [f.additions, f.deletions])).toEqual([[1, 1], [1, 0], [0, 2], [0, 0], [0, 0]]);
    expect([model.additions, model.deletions]).toEqual([2, 3]);
  });

  it('reads the runner\'s own patches (structuredPatch + formatPatch)', () => {
    const m = buildDiffModel(gitPatch([
      { path: 'CHANGELOG.md', before: '# Changelog\n\n## Unreleased\n', after: '# Changelog\n\n## Unreleased\n- Browser test entry\n' },
      { path: 'src/x.ts', before: lines(20), after: lines(20, { 5: 'five', 15: null }) },
    ]));
    expect(m.files.map((f) => [f.path, f.additions, f.deletions, f.hunks.length])).toEqual([['CHANGELOG.md', 1, 0, 1], ['src/x.ts', 1, 2, 2]]);
    expect(m.files[0].hunks[0].lines.at(-1)).toMatchObject({ kind: 'add', text: '- Browser test entry', newNo: 4 });
  });

  it('returns no files for an empty patch and the reason for a malformed one, without throwing', () => {
    expect(buildDiffModel('')).toEqual({ files: [], additions: 0, deletions: 0, error: null });
    const bad = buildDiffModel('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-only one line\n');
    expect(bad.files).toEqual([]);
    expect(bad.error).toMatch(/^Hunk at line 3/);
  });
});

describe('splitRows', () => {
  it('pairs each run of removals with the additions after it and keeps context on both sides', () => {
    const m = buildDiffModel(gitPatch([{ path: 'f.txt', before: lines(6), after: lines(6, { 2: 'two', 3: null, 5: 'five\nextra' }) }]));
    const rows = splitRows(m.files[0].hunks[0].lines);
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ['line 1', 'line 1'],
      ['line 2', 'two'],
      ['line 3', null],
      ['line 4', 'line 4'],
      ['line 5', 'five'],
      [null, 'extra'],
      ['line 6', 'line 6'],
    ]);
  });
});
