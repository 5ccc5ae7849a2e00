/**
 * Compares two attempts' patches file by file: changed in A only, in B only, in both the same
 * way, or in both differently — and for "differently", exactly where. Both patches start from the
 * same base commit, so each hunk's old side is a known piece of the base file. Overlapping or
 * touching hunks of A and B form a region whose base text is fully known; applying A's hunks and
 * B's hunks to that region gives the two resulting versions of it, and a line diff (the `diff`
 * package's diffArrays) between them is where the attempts differ. Lines outside every region are
 * untouched by both, hence equal.
 */
import { diffArrays } from 'diff';
import type { DiffFile, DiffHunk } from './diff-model.ts';

export type CompareKind = 'only-a' | 'only-b' | 'same' | 'differs';
/** A line of a region's A-vs-B diff: in both results, only in A's, or only in B's; numbered in each result. */
export type CompareLine = { side: 'both' | 'a' | 'b'; text: string; noEol: boolean; aNo: number | null; bNo: number | null };
/** A stretch of the file where the two results differ; baseStart/baseEnd: base lines it covers. */
export type CompareRegion = { baseStart: number; baseEnd: number; lines: CompareLine[] };
export type CompareEntry = {
  path: string;
  kind: CompareKind;
  a: DiffFile | null;
  b: DiffFile | null;
  /** Only for `differs` with text on both sides: the regions whose results differ. */
  regions: CompareRegion[];
  /** Why the regions are missing or partial (binary file, patches disagree on the base text). */
  note: string | null;
};

type Span = { start: number; end: number; hunk: DiffHunk; side: 'a' | 'b' };
type Frag = { text: string; noEol: boolean };
const KIND_ORDER: Record<CompareKind, number> = { differs: 0, 'only-a': 1, 'only-b': 2, same: 3 };

export function compareFiles(a: DiffFile[], b: DiffFile[]): CompareEntry[] {
  const byPath = new Map<string, { a: DiffFile | null; b: DiffFile | null }>();
  for (const f of a) byPath.set(f.path, { a: f, b: null });
  for (const f of b) byPath.set(f.path, { a: byPath.get(f.path)?.a ?? null, b: f });
  const out: CompareEntry[] = [];
  for (const [path, pair] of byPath) {
    if (!pair.b) out.push({ path, kind: 'only-a', a: pair.a, b: null, regions: [], note: null });
    else if (!pair.a) out.push({ path, kind: 'only-b', a: null, b: pair.b, regions: [], note: null });
    else out.push(compareBoth(path, pair.a, pair.b));
  }
  return out.sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

export function countKinds(entries: CompareEntry[]): Record<CompareKind, number> {
  const n: Record<CompareKind, number> = { 'only-a': 0, 'only-b': 0, same: 0, differs: 0 };
  for (const e of entries) n[e.kind]++;
  return n;
}

function compareBoth(path: string, a: DiffFile, b: DiffFile): CompareEntry {
  const entry = (kind: CompareKind, regions: CompareRegion[] = [], notes: string[] = []): CompareEntry =>
    ({ path, kind, a, b, regions, note: notes.length ? notes.join(' ') : null });
  if (a.binary || b.binary) {
    if (a.binary && b.binary && a.status === 'deleted' && b.status === 'deleted') return entry('same');
    return entry('differs', [], ['Binary file: the patches do not carry its content, so the two versions cannot be compared here.']);
  }
  const notes: string[] = [];
  if ((a.status === 'deleted') !== (b.status === 'deleted')) notes.push(a.status === 'deleted' ? 'A deletes this file; B keeps it.' : 'B deletes this file; A keeps it.');
  if (a.modeChange !== b.modeChange) notes.push(`File mode: A ${a.modeChange ?? 'unchanged'}, B ${b.modeChange ?? 'unchanged'}.`);
  const regions = resultRegions(a, b);
  if (regions === null) return notes.length === 0 && sameHunks(a, b) ? entry('same') : entry('differs', [], [BASE_NOTE, ...notes]);
  return regions.length === 0 && notes.length === 0 ? entry('same') : entry('differs', regions, notes);
}

const BASE_NOTE = 'The two patches disagree about the starting text of this file (different base commits?), so only their patches can be shown.';

function sameHunks(a: DiffFile, b: DiffFile): boolean {
  const flat = (f: DiffFile) => f.hunks.map((h) => h.header + '\n' + h.lines.map((l) => `${l.kind}${l.noEol ? '!' : ' '}${l.text}`).join('\n')).join('\n');
  return flat(a) === flat(b);
}

const spansOf = (f: DiffFile, side: 'a' | 'b'): Span[] => f.hunks.map((hunk) => ({ start: hunk.oldStart, end: hunk.oldStart + hunk.oldLines, hunk, side }));

/** The regions where A's and B's results differ, or null when the patches disagree on the base text. */
export function resultRegions(a: DiffFile, b: DiffFile): CompareRegion[] | null {
  const spans = [...spansOf(a, 'a'), ...spansOf(b, 'b')].sort((x, y) => x.start - y.start || x.end - y.end);
  const base = new Map<number, Frag>();
  for (const s of spans) {
    for (const l of s.hunk.lines) {
      if (l.oldNo === null) continue;
      const known = base.get(l.oldNo);
      if (known && (known.text !== l.text || known.noEol !== l.noEol)) return null;
      base.set(l.oldNo, { text: l.text, noEol: l.noEol });
    }
  }
  // Group spans that overlap or touch; such a group's base lines are all known.
  const groups: Span[][] = [];
  let end = -Infinity;
  for (const s of spans) {
    if (groups.length > 0 && s.start <= end) {
      groups[groups.length - 1].push(s);
      end = Math.max(end, s.end);
    } else {
      groups.push([s]);
      end = s.end;
    }
  }
  const regions: CompareRegion[] = [];
  const shift = { a: 0, b: 0 };
  for (const group of groups) {
    const start = group[0].start;
    const stop = Math.max(...group.map((s) => s.end));
    const aFrag = applySide(group.filter((s) => s.side === 'a'), base, start, stop);
    const bFrag = applySide(group.filter((s) => s.side === 'b'), base, start, stop);
    if (!aFrag || !bFrag) return null;
    const lines = diffFragments(aFrag, bFrag, start + shift.a, start + shift.b);
    if (lines.some((l) => l.side !== 'both')) regions.push({ baseStart: start, baseEnd: stop, lines });
    for (const s of group) shift[s.side] += s.hunk.newLines - s.hunk.oldLines;
  }
  return regions;
}

/** The base lines [start, stop) with one side's hunks applied; null if a base line is unknown. */
function applySide(spans: Span[], base: Map<number, Frag>, start: number, stop: number): Frag[] | null {
  const out: Frag[] = [];
  let n = start;
  const copyTo = (to: number) => {
    for (; n < to; n++) {
      const line = base.get(n);
      if (!line) return false;
      out.push(line);
    }
    return true;
  };
  for (const s of spans) {
    if (!copyTo(s.start)) return null;
    for (const l of s.hunk.lines) if (l.newNo !== null) out.push({ text: l.text, noEol: l.noEol });
    n = s.end;
  }
  return copyTo(stop) ? out : null;
}

function diffFragments(a: Frag[], b: Frag[], aFirst: number, bFirst: number): CompareLine[] {
  const key = (f: Frag) => (f.noEol ? `${f.text}\u0000` : f.text);
  const lines: CompareLine[] = [];
  let i = 0;
  let j = 0;
  for (const change of diffArrays(a.map(key), b.map(key))) {
    for (let k = 0; k < change.count; k++) {
      if (change.removed) lines.push({ side: 'a', ...a[i], aNo: aFirst + i++, bNo: null });
      else if (change.added) lines.push({ side: 'b', ...b[j], aNo: null, bNo: bFirst + j++ });
      else lines.push({ side: 'both', ...b[j], aNo: aFirst + i++, bNo: bFirst + j++ });
    }
  }
  return lines;
}

/** Side-by-side rows of a region: shared lines across both columns, A-only lines paired with the B-only lines after them. */
export function compareRows(lines: CompareLine[]): { a: CompareLine | null; b: CompareLine | null }[] {
  const rows: { a: CompareLine | null; b: CompareLine | null }[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].side === 'both') {
      rows.push({ a: lines[i], b: lines[i] });
      i++;
      continue;
    }
    const as: CompareLine[] = [];
    const bs: CompareLine[] = [];
    while (i < lines.length && lines[i].side === 'a') as.push(lines[i++]);
    while (i < lines.length && lines[i].side === 'b') bs.push(lines[i++]);
    for (let k = 0; k < Math.max(as.length, bs.length); k++) rows.push({ a: as[k] ?? null, b: bs[k] ?? null });
  }
  return rows;
}
