/**
 * Splits a unified patch (git format) into files and classified lines for colouring. Hunk
 * headers give line counts, so a removed line that happens to start with "--" is still read as a
 * removal and not as a file header.
 */
export type DiffLineKind = 'add' | 'del' | 'ctx' | 'hunk' | 'note';
export type DiffLine = { kind: DiffLineKind; text: string; oldNo: number | null; newNo: number | null };
export type DiffFile = { path: string; header: string[]; lines: DiffLine[] };

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parsePatch(patch: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;
  const lines = patch.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();

  const startFile = (path: string) => {
    file = { path, header: [], lines: [] };
    files.push(file);
    return file;
  };

  for (const line of lines) {
    if (oldLeft > 0 || newLeft > 0) {
      const f = file ?? startFile('(patch)');
      if (line.startsWith('+')) {
        f.lines.push({ kind: 'add', text: line, oldNo: null, newNo: newNo++ });
        newLeft--;
      } else if (line.startsWith('-')) {
        f.lines.push({ kind: 'del', text: line, oldNo: oldNo++, newNo: null });
        oldLeft--;
      } else if (line.startsWith('\\')) {
        f.lines.push({ kind: 'note', text: line, oldNo: null, newNo: null });
      } else {
        f.lines.push({ kind: 'ctx', text: line, oldNo: oldNo++, newNo: newNo++ });
        oldLeft--;
        newLeft--;
      }
      continue;
    }
    const hunk = HUNK.exec(line);
    if (hunk) {
      const f = file ?? startFile('(patch)');
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[3]);
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      f.lines.push({ kind: 'hunk', text: line, oldNo: null, newNo: null });
      continue;
    }
    if (line.startsWith('diff --git ')) {
      const m = / b\/(.*)$/.exec(line);
      startFile(m ? m[1] : line.slice(11)).header.push(line);
      continue;
    }
    const f = file ?? startFile('(patch)');
    if (line.startsWith('+++ ') && line !== '+++ /dev/null') f.path = line.slice(4).replace(/^b\//, '');
    else if (line.startsWith('--- ') && f.header.length === 0 && line !== '--- /dev/null') f.path = line.slice(4).replace(/^a\//, '');
    if (line.startsWith('\\')) f.lines.push({ kind: 'note', text: line, oldNo: null, newNo: null });
    else f.header.push(line);
  }
  return files;
}
