/**
 * One file of a diff: its path (the jump target, focusable), status, +/−, and its hunks in the
 * current layout. Large files start folded so a big generated file does not bury the rest.
 */
import { useState } from 'preact/hooks';
import type { DiffFile } from '../../lib/diff-model.ts';
import type { DiffMode } from '../../lib/diff-prefs.ts';
import type { TokenMap } from '../../lib/diff-tokens.ts';
import { Delta } from './diff-controls.tsx';
import { DiffTable } from './diff-table.tsx';

/** Files with more lines than this start folded. */
export const FOLD_LINES = 400;

export const fileTitle = (f: DiffFile): string =>
  f.oldPath && f.newPath && f.oldPath !== f.newPath ? `${f.oldPath} → ${f.newPath}` : f.path;

export function DiffFileSection(props: { id: string; file: DiffFile; mode: DiffMode; tokens: TokenMap | null }) {
  const { file } = props;
  const lines = file.hunks.reduce((n, h) => n + h.lines.length, 0);
  const [open, setOpen] = useState(lines <= FOLD_LINES);
  return (
    <div class="dv-file" data-path={file.path}>
      <header class="dv-file-head">
        <h4 id={props.id} class="dv-path" tabIndex={-1}>{fileTitle(file)}</h4>
        <span class={`file-status file-${file.status}`}>{file.status}</span>
        {!file.binary && <Delta additions={file.additions} deletions={file.deletions} />}
        {file.hunks.length > 0 && (
          <button type="button" class="secondary small" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : `Show ${lines} lines`}
          </button>
        )}
      </header>
      {file.modeChange && <p class="hint dv-note">File mode {file.modeChange}</p>}
      {file.binary && <p class="hint dv-note">Binary file; its content is not shown.</p>}
      {!file.binary && file.hunks.length === 0 && !file.modeChange && <p class="hint dv-note">No change to the content.</p>}
      {open && file.hunks.length > 0 && <DiffTable hunks={file.hunks} mode={props.mode} tokens={props.tokens} label={`Changes to ${file.path}`} />}
    </div>
  );
}
