/**
 * A run's diff (lazy chunk, with diff.css): whole-run stats, the unified/split switch, a full-width
 * switch (the card then spans the grid), the changed-files list that jumps to each file, and each
 * file's highlighted hunks. The patch is parsed once per patch string; grammars load on demand.
 */
import { useId, useMemo, useState } from 'preact/hooks';
import type { DiffStats, FileChange } from '../../../../protocol/src/index.ts';
import { buildDiffModel } from '../../lib/diff-model.ts';
import type { DiffFile } from '../../lib/diff-model.ts';
import { diffMode, useDiffShortcut } from '../../lib/diff-prefs.ts';
import { fileTokens, languagesOf } from '../../lib/diff-tokens.ts';
import { Delta, LayoutToggle } from './diff-controls.tsx';
import { DiffFileSection } from './diff-file-section.tsx';
import { DiffFileTree } from './diff-file-tree.tsx';
import type { TreeItem } from './diff-file-tree.tsx';
import { useTokens } from './use-tokens.ts';
import './diff.css';

export type DiffViewerProps = {
  patch: string;
  truncated?: boolean;
  /** The run's own file list and stats (complete even when the patch was cut); else from the patch. */
  files?: FileChange[];
  stats?: DiffStats;
  branch?: string | null;
};

function treeItems(files: FileChange[] | undefined, parsed: DiffFile[], idOf: (i: number) => string): TreeItem[] {
  const target = new Map(parsed.map((f, i) => [f.path, idOf(i)]));
  if (!files) return parsed.map((f, i) => ({ path: f.path, status: f.status, additions: f.additions, deletions: f.deletions, binary: f.binary, target: idOf(i) }));
  return files.map((f) => ({ path: f.path, status: f.status, additions: f.additions, deletions: f.deletions, binary: f.binary === true, target: target.get(f.path) ?? null }));
}

function jump(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.scrollIntoView({ block: 'start' });
  el.focus({ preventScroll: true });
}

export function DiffViewer(props: DiffViewerProps) {
  const model = useMemo(() => buildDiffModel(props.patch), [props.patch]);
  const languages = useMemo(() => languagesOf(model.files.map((f) => f.path)), [model]);
  const tokens = useTokens(languages, () => fileTokens(model.files), model);
  useDiffShortcut();
  const mode = diffMode.value;
  const [wide, setWide] = useState(false);
  const base = useId();
  const idOf = (i: number) => `${base}-f${i}`;
  const stats = props.stats ?? { files: model.files.length, additions: model.additions, deletions: model.deletions };

  return (
    <div class={`dv${wide ? ' dv-wide' : ''}`} data-testid="run-diff" data-mode={mode}>
      <div class="dv-toolbar">
        <p class="run-stats">
          {stats.files} {stats.files === 1 ? 'file' : 'files'} changed <Delta additions={stats.additions} deletions={stats.deletions} />
          {props.branch && <> · pushed to <code>{props.branch}</code></>}
        </p>
        <div class="dv-actions">
          <LayoutToggle />
          <button type="button" class="secondary small" aria-pressed={wide} onClick={() => setWide(!wide)}>Full width</button>
        </div>
      </div>
      <DiffFileTree items={treeItems(props.files, model.files, idOf)} onJump={jump} />
      {model.error && (
        <>
          <p class="hint">This patch could not be read as a diff ({model.error}); here it is as text.</p>
          <pre class="dv-raw">{props.patch}</pre>
        </>
      )}
      {model.files.map((f, i) => <DiffFileSection key={`${i}:${f.path}`} id={idOf(i)} file={f} mode={mode} tokens={tokens} />)}
      {props.truncated && (
        <p class="hint">The patch was too large to show in full; the pushed branch has the whole change.</p>
      )}
    </div>
  );
}
