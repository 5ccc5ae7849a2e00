/**
 * A run's unified patch as the file model the diff viewer and the compare view render. Parsing is
 * the `diff` package's parsePatch (it knows git's dialect: renames, new/deleted file modes,
 * binary files, quoted paths, "\ No newline"); this module only numbers each hunk's lines on both
 * sides, counts +/− per file and for the whole patch, and pairs lines for the split view.
 */
import { parsePatch } from 'diff';
import type { StructuredPatch } from 'diff';

export type LineKind = 'add' | 'del' | 'ctx';
/** One patch line without its +/−/space prefix; `noEol`: "\ No newline at end of file" follows it. */
export type DiffLine = { kind: LineKind; text: string; oldNo: number | null; newNo: number | null; noEol: boolean };
export type DiffHunk = { header: string; oldStart: number; oldLines: number; newStart: number; newLines: number; lines: DiffLine[] };
export type FileStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';
export type DiffFile = {
  /** The path the file has after the change (its old path when deleted). */
  path: string;
  oldPath: string | null;
  newPath: string | null;
  status: FileStatus;
  binary: boolean;
  /** "100644 → 100755" when only or also the mode changed. */
  modeChange: string | null;
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
};
export type DiffModel = { files: DiffFile[]; additions: number; deletions: number; error: string | null };

const strip = (name: string | undefined, prefix: string): string | null => {
  if (name === undefined || name === '/dev/null') return null;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
};

function toHunk(h: StructuredPatch['hunks'][number]): DiffHunk {
  let oldNo = h.oldStart;
  let newNo = h.newStart;
  const lines: DiffLine[] = [];
  for (const raw of h.lines) {
    const op = raw[0];
    const text = raw.slice(1);
    if (op === '\\') {
      const prev = lines[lines.length - 1];
      if (prev) prev.noEol = true;
    } else if (op === '+') lines.push({ kind: 'add', text, oldNo: null, newNo: newNo++, noEol: false });
    else if (op === '-') lines.push({ kind: 'del', text, oldNo: oldNo++, newNo: null, noEol: false });
    else lines.push({ kind: 'ctx', text, oldNo: oldNo++, newNo: newNo++, noEol: false });
  }
  // parsePatch moves an empty side's start one line on (the unified-diff quirk); the header shows git's numbers.
  const head = (start: number, count: number) => `${count === 0 ? start - 1 : start},${count}`;
  return {
    header: `@@ -${head(h.oldStart, h.oldLines)} +${head(h.newStart, h.newLines)} @@`,
    oldStart: h.oldStart,
    oldLines: h.oldLines,
    newStart: h.newStart,
    newLines: h.newLines,
    lines,
  };
}

function toFile(p: StructuredPatch): DiffFile | null {
  const oldPath = strip(p.oldFileName, 'a/');
  const newPath = strip(p.newFileName, 'b/');
  if (oldPath === null && newPath === null) return null;
  const hunks = p.hunks.map(toHunk);
  let additions = 0;
  let deletions = 0;
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === 'add') additions++;
    else if (l.kind === 'del') deletions++;
  }
  const created = p.isCreate === true || oldPath === null;
  const deleted = p.isDelete === true || newPath === null;
  const status: FileStatus = created ? 'added' : deleted ? 'deleted' : p.isRename ? 'renamed' : p.isCopy ? 'copied' : 'modified';
  const modeChange = p.oldMode && p.newMode && p.oldMode !== p.newMode ? `${p.oldMode} → ${p.newMode}` : null;
  return { path: (deleted ? oldPath : newPath) ?? oldPath ?? '', oldPath, newPath, status, binary: p.isBinary === true, modeChange, additions, deletions, hunks };
}

/** Never throws: a patch the parser rejects comes back with no files and the parser's reason. */
export function buildDiffModel(patch: string): DiffModel {
  let parsed: StructuredPatch[];
  try {
    parsed = patch.trim() === '' ? [] : parsePatch(patch);
  } catch (err) {
    return { files: [], additions: 0, deletions: 0, error: err instanceof Error ? err.message : String(err) };
  }
  const files = parsed.map(toFile).filter((f): f is DiffFile => f !== null);
  return {
    files,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    error: null,
  };
}

/** A row of the side-by-side view: context on both sides, or a removal paired with an addition. */
export type SplitRow = { left: DiffLine | null; right: DiffLine | null };

/** Pairs each run of removed lines with the run of added lines after it, row by row. */
export function splitRows(lines: DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.kind === 'ctx') {
      rows.push({ left: line, right: line });
      i++;
      continue;
    }
    const dels: DiffLine[] = [];
    const adds: DiffLine[] = [];
    while (i < lines.length && lines[i].kind === 'del') dels.push(lines[i++]);
    while (i < lines.length && lines[i].kind === 'add') adds.push(lines[i++]);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) rows.push({ left: dels[k] ?? null, right: adds[k] ?? null });
  }
  return rows;
}
