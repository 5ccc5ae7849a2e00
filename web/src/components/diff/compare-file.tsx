/**
 * One file of a comparison (`compare-file`, data-kind only-a | only-b | same | differs): its path,
 * what kind of difference, each side's +/−, and then — for "differs" — where the two results
 * differ, with each attempt's own patch folded underneath; for the other kinds, the one change.
 */
import type { CompareEntry, CompareKind } from '../../lib/diff-compare.ts';
import type { DiffMode } from '../../lib/diff-prefs.ts';
import type { TokenMap } from '../../lib/diff-tokens.ts';
import { CompareRegions } from './compare-regions.tsx';
import { Delta } from './diff-controls.tsx';
import { DiffTable } from './diff-table.tsx';

const KIND_TEXT: Record<CompareKind, string> = {
  differs: 'changed differently',
  'only-a': 'only in A',
  'only-b': 'only in B',
  same: 'same change in both',
};

export function CompareFile(props: { entry: CompareEntry; mode: DiffMode; tokens: TokenMap | null; labelA: string; labelB: string }) {
  const { entry: e, mode, tokens } = props;
  const side = (name: 'A' | 'B', f: CompareEntry['a']) => f && (
    <span class="cv-side">{name} <span class="file-status">{f.status}</span> {f.binary ? <span class="hint">binary</span> : <Delta additions={f.additions} deletions={f.deletions} />}</span>
  );
  return (
    <li class={`cv-file cv-${e.kind}`} data-testid="compare-file" data-kind={e.kind} data-path={e.path}>
      <div class="cv-head">
        <code class="cv-path">{e.path}</code>
        <span class={`cv-kind cv-kind-${e.kind}`}>{KIND_TEXT[e.kind]}</span>
        {side('A', e.a)}
        {side('B', e.b)}
      </div>
      {e.note && <p class="hint dv-note">{e.note}</p>}
      {e.kind === 'differs' && e.regions.length > 0 && (
        <CompareRegions regions={e.regions} mode={mode} tokens={tokens} path={e.path} labelA={props.labelA} labelB={props.labelB} />
      )}
      {e.kind === 'differs' && e.a && e.b ? (
        <details class="cv-patches" open={e.regions.length === 0}>
          <summary>Each attempt's patch</summary>
          <div class="cv-pair">
            <div><p class="cv-pair-title">A · {props.labelA}</p><DiffTable hunks={e.a.hunks} mode="unified" tokens={tokens} label={`${props.labelA}: ${e.path}`} /></div>
            <div><p class="cv-pair-title">B · {props.labelB}</p><DiffTable hunks={e.b.hunks} mode="unified" tokens={tokens} label={`${props.labelB}: ${e.path}`} /></div>
          </div>
        </details>
      ) : (
        (e.a ?? e.b)!.hunks.length > 0 && (
          <details class="cv-patches">
            <summary>{e.kind === 'same' ? 'The change both made' : 'The change'}</summary>
            <DiffTable hunks={(e.a ?? e.b)!.hunks} mode={mode} tokens={tokens} label={`${e.kind === 'only-b' ? props.labelB : props.labelA}: ${e.path}`} />
          </details>
        )
      )}
    </li>
  );
}
