import { describe, expect, it } from 'vitest';
import { compareFiles, compareRows, countKinds } from '../src/lib/diff-compare.ts';
import type { CompareEntry } from '../src/lib/diff-compare.ts';
import { buildDiffModel } from '../src/lib/diff-model.ts';
import { gitPatch, lines } from './diff-fixtures.ts';
import type { Change } from './diff-fixtures.ts';

const compare = (a: Change[], b: Change[]) => compareFiles(buildDiffModel(gitPatch(a)).files, buildDiffModel(gitPatch(b)).files);
const byPath = (entries: CompareEntry[], path: string) => entries.find((e) => e.path === path)!;
/** A region's lines as "side aNo/bNo text", compact enough to read in an assertion. */
const show = (e: CompareEntry) => e.regions.map((r) => r.lines.map((l) => `${l.side} ${l.aNo ?? '-'}/${l.bNo ?? '-'} ${l.text}`));
const BASE = lines(60);

describe('compareFiles', () => {
  it('classifies files as only in A, only in B, the same in both, or changed differently — differences first', () => {
    const entries = compare(
      [
        { path: 'a-only.txt', before: null, after: 'a\n' },
        { path: 'same.txt', before: BASE, after: lines(60, { 10: 'ten' }) },
        { path: 'both.txt', before: BASE, after: lines(60, { 10: 'ten from A' }) },
      ],
      [
        { path: 'both.txt', before: BASE, after: lines(60, { 10: 'ten from B' }) },
        { path: 'same.txt', before: BASE, after: lines(60, { 10: 'ten' }) },
        { path: 'b-only.txt', before: BASE, after: null },
      ],
    );
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ['both.txt', 'differs'],
      ['a-only.txt', 'only-a'],
      ['b-only.txt', 'only-b'],
      ['same.txt', 'same'],
    ]);
    expect(countKinds(entries)).toEqual({ 'only-a': 1, 'only-b': 1, same: 1, differs: 1 });
    expect(byPath(entries, 'b-only.txt').b?.status).toBe('deleted');
  });

  it('shows exactly where two edits of the same lines differ, numbered in each result', () => {
    const e = byPath(compare(
      [{ path: 'f.txt', before: BASE, after: lines(60, { 10: 'ten from A' }) }],
      [{ path: 'f.txt', before: BASE, after: lines(60, { 10: 'ten from B', 11: null }) }],
    ), 'f.txt');
    expect(e.kind).toBe('differs');
    expect(e.note).toBeNull();
    expect(show(e)).toEqual([[
      'both 7/7 line 7', 'both 8/8 line 8', 'both 9/9 line 9',
      'a 10/- ten from A', 'a 11/- line 11',
      'b -/10 ten from B',
      'both 12/11 line 12', 'both 13/12 line 13', 'both 14/13 line 14',
    ]]);
    expect(e.regions[0]).toMatchObject({ baseStart: 7, baseEnd: 15 });
  });

  it('reports only the part that differs when both made one change alike and A made another', () => {
    const e = byPath(compare(
      [{ path: 'f.txt', before: BASE, after: lines(60, { 1: 'new first\nline 1', 30: 'thirty' }) }],
      [{ path: 'f.txt', before: BASE, after: lines(60, { 30: 'thirty' }) }],
    ), 'f.txt');
    expect(e.kind).toBe('differs');
    expect(show(e)).toEqual([['a 1/- new first', 'both 2/1 line 1', 'both 3/2 line 2', 'both 4/3 line 3']]);
  });

  it('numbers later regions after earlier insertions on each side', () => {
    const e = byPath(compare(
      [{ path: 'f.txt', before: BASE, after: lines(60, { 1: 'x\ny\nline 1', 30: 'thirty A' }) }],
      [{ path: 'f.txt', before: BASE, after: lines(60, { 30: 'thirty B' }) }],
    ), 'f.txt');
    expect(e.regions).toHaveLength(2);
    const changed = e.regions[1].lines.filter((l) => l.side !== 'both');
    expect(changed.map((l) => [l.side, l.aNo, l.bNo, l.text])).toEqual([['a', 32, null, 'thirty A'], ['b', null, 30, 'thirty B']]);
  });

  it('finds two independent edits of one file to differ in both places', () => {
    const e = byPath(compare(
      [{ path: 'f.txt', before: BASE, after: lines(60, { 5: 'five' }) }],
      [{ path: 'f.txt', before: BASE, after: lines(60, { 50: 'fifty' }) }],
    ), 'f.txt');
    expect(e.kind).toBe('differs');
    expect(e.regions.map((r) => r.lines.filter((l) => l.side !== 'both').map((l) => `${l.side} ${l.text}`))).toEqual([
      ['a five', 'b line 5'],
      ['a line 50', 'b fifty'],
    ]);
  });

  it('merges hunks that overlap across the attempts into one region', () => {
    const e = byPath(compare(
      [{ path: 'f.txt', before: BASE, after: lines(60, { 20: 'twenty' }) }],
      [{ path: 'f.txt', before: BASE, after: lines(60, { 24: 'twenty-four' }) }],
    ), 'f.txt');
    expect(e.regions).toHaveLength(1);
    expect(e.regions[0]).toMatchObject({ baseStart: 17, baseEnd: 28 });
  });

  it('compares new files by content', () => {
    const entries = compare(
      [{ path: 'same.md', before: null, after: 'hi\n' }, { path: 'new.ts', before: null, after: 'const a = 1;\nexport {};\n' }],
      [{ path: 'same.md', before: null, after: 'hi\n' }, { path: 'new.ts', before: null, after: 'const a = 2;\nexport {};\n' }],
    );
    expect(byPath(entries, 'same.md').kind).toBe('same');
    expect(show(byPath(entries, 'new.ts'))).toEqual([['a 1/- const a = 1;', 'b -/1 const a = 2;', 'both 2/2 export {};']]);
  });

  it('tells a missing newline at the end apart', () => {
    const e = byPath(compare(
      [{ path: 'f.txt', before: 'a\n', after: 'a\nb' }],
      [{ path: 'f.txt', before: 'a\n', after: 'a\nb\n' }],
    ), 'f.txt');
    expect(e.kind).toBe('differs');
    expect(e.regions[0].lines.filter((l) => l.side !== 'both').map((l) => [l.side, l.text, l.noEol])).toEqual([['a', 'b', true], ['b', 'b', false]]);
  });

  it('says so when one attempt deletes a file the other edits', () => {
    const e = byPath(compare(
      [{ path: 'f.txt', before: lines(3), after: null }],
      [{ path: 'f.txt', before: lines(3), after: lines(3, { 2: 'two' }) }],
    ), 'f.txt');
    expect(e.kind).toBe('differs');
    expect(e.note).toBe('A deletes this file; B keeps it.');
    // A's result is no file at all, so every line of B's is B's alone.
    expect(show(e)).toEqual([['b -/1 line 1', 'b -/2 two', 'b -/3 line 3']]);
  });

  it('falls back to the patches when they disagree on the starting text (different bases)', () => {
    const entries = compare(
      [{ path: 'f.txt', before: lines(10), after: lines(10, { 5: 'five' }) }],
      [{ path: 'f.txt', before: lines(10, { 4: 'four' }), after: lines(10, { 4: 'four', 5: 'five' }) }],
    );
    expect(entries[0]).toMatchObject({ kind: 'differs', regions: [] });
    expect(entries[0].note).toMatch(/disagree about the starting text/);
  });

  it('treats binary files changed by both as differing (no content to compare) and says why', () => {
    const bin = (p: string) => `diff --git a/${p} b/${p}\nnew file mode 100644\nBinary files /dev/null and b/${p} differ\n`;
    const [e] = compareFiles(buildDiffModel(bin('logo.png')).files, buildDiffModel(bin('logo.png')).files);
    expect(e.kind).toBe('differs');
    expect(e.note).toMatch(/Binary file/);
  });
});

describe('compareRows', () => {
  it('puts shared lines across both columns and pairs A-only lines with the B-only lines after them', () => {
    const e = compare(
      [{ path: 'f.txt', before: lines(8), after: lines(8, { 4: 'A4', 5: 'A5' }) }],
      [{ path: 'f.txt', before: lines(8), after: lines(8, { 4: 'B4' }) }],
    )[0];
    const rows = compareRows(e.regions[0].lines);
    expect(rows.map((r) => [r.a?.text ?? null, r.b?.text ?? null])).toEqual([
      ['line 1', 'line 1'], ['line 2', 'line 2'], ['line 3', 'line 3'],
      ['A4', 'B4'], ['A5', 'line 5'],
      ['line 6', 'line 6'], ['line 7', 'line 7'], ['line 8', 'line 8'],
    ]);
  });
});
