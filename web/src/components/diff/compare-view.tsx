/**
 * Two attempts side by side (lazy chunk, `compare-view`): every file either changed, classified
 * as only in A, only in B, the same in both, or changed differently — differences first, and for
 * those, exactly where the two resulting versions differ. Caveats (different starting commits, a
 * cut or unreadable patch) are said up front rather than hidden in the numbers.
 */
import { useMemo } from 'preact/hooks';
import { compareFiles, countKinds } from '../../lib/diff-compare.ts';
import { buildDiffModel } from '../../lib/diff-model.ts';
import { diffMode, useDiffShortcut } from '../../lib/diff-prefs.ts';
import { compareTokens, languagesOf } from '../../lib/diff-tokens.ts';
import { CompareFile } from './compare-file.tsx';
import { LayoutToggle } from './diff-controls.tsx';
import { useTokens } from './use-tokens.ts';
import './diff.css';

export type CompareSide = { label: string; patch: string; truncated: boolean; baseCommit: string | null };
export type CompareViewProps = { a: CompareSide; b: CompareSide };

export function CompareView(props: CompareViewProps) {
  const { a, b } = props;
  const models = useMemo(() => [buildDiffModel(a.patch), buildDiffModel(b.patch)] as const, [a.patch, b.patch]);
  const entries = useMemo(() => compareFiles(models[0].files, models[1].files), [models]);
  const languages = useMemo(() => languagesOf(entries.map((e) => e.path)), [entries]);
  const tokens = useTokens(languages, () => compareTokens(entries), entries);
  useDiffShortcut();
  const mode = diffMode.value;
  const n = countKinds(entries);

  const notes: string[] = [];
  if (a.baseCommit && b.baseCommit && a.baseCommit !== b.baseCommit) {
    notes.push(`These attempts start from different commits (A ${a.baseCommit.slice(0, 7)}, B ${b.baseCommit.slice(0, 7)}), so "same" and "differs" compare their changes, not their final files.`);
  }
  for (const [name, side, model] of [['A', a, models[0]], ['B', b, models[1]]] as const) {
    if (side.truncated) notes.push(`${name}'s patch was too large and is cut short; files past the cut are missing here.`);
    if (model.error) notes.push(`${name}'s patch could not be read (${model.error}).`);
  }

  return (
    <div class="cv" data-testid="compare-view" data-mode={mode}>
      <div class="dv-toolbar">
        <p class="cv-summary" data-testid="compare-summary">
          {entries.length} {entries.length === 1 ? 'file' : 'files'} changed:{' '}
          <strong>{n.differs} changed differently</strong>, {n['only-a']} only in A, {n['only-b']} only in B, {n.same} the same in both.
        </p>
        <LayoutToggle />
      </div>
      <p class="cv-legend">A = {a.label} · B = {b.label}</p>
      {notes.map((t) => <p key={t} class="notice">{t}</p>)}
      {entries.length === 0 && <p class="hint">Neither attempt changed a file.</p>}
      <ul class="cv-files" aria-label="Files compared">
        {entries.map((e) => <CompareFile key={e.path} entry={e} mode={mode} tokens={tokens} labelA={a.label} labelB={b.label} />)}
      </ul>
    </div>
  );
}
