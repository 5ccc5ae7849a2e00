/**
 * Where two attempts' results differ in one file: each differing region of the two resulting
 * versions, A and B side by side (split) or interleaved with an A/B marker (unified). Lines both
 * results share are plain; lines only one has are coloured (A like a removal, B like an addition).
 */
import type { CompareLine, CompareRegion } from '../../lib/diff-compare.ts';
import { compareRows } from '../../lib/diff-compare.ts';
import type { DiffMode } from '../../lib/diff-prefs.ts';
import type { TokenMap } from '../../lib/diff-tokens.ts';
import { Code } from './diff-table.tsx';

const CLASS = { both: 'dl-ctx', a: 'dl-del cv-a', b: 'dl-add cv-b' } as const;
const MARK = { both: ' ', a: 'A', b: 'B' } as const;
const num = (n: number | null) => (n === null ? undefined : String(n));
const span = (r: CompareRegion) => (r.baseEnd - r.baseStart <= 1 ? `line ${r.baseStart}` : `lines ${r.baseStart}–${r.baseEnd - 1}`);

function Cells(props: { line: CompareLine | null; no: number | null; tokens: TokenMap | null }) {
  const { line } = props;
  if (!line) return <><td class="dv-ln dv-empty" /><td class="dv-code dv-empty" /></>;
  return (
    <>
      <td class={`dv-ln ${CLASS[line.side]}`} data-n={num(props.no)} />
      <td class={`dv-code ${CLASS[line.side]}`}><span class="dv-sign">{MARK[line.side]}</span><Code text={line.text} tokens={props.tokens?.get(line)} noEol={line.noEol} /></td>
    </>
  );
}

export function CompareRegions(props: { regions: CompareRegion[]; mode: DiffMode; tokens: TokenMap | null; path: string; labelA: string; labelB: string }) {
  const split = props.mode === 'split';
  const cols = split ? 4 : 3;
  return (
    <table class={`dv-table dv-${props.mode} cv-regions`} aria-label={`Where ${props.labelA} and ${props.labelB} differ in ${props.path}`}>
      {split
        ? <colgroup><col class="dv-col-ln" /><col /><col class="dv-col-ln" /><col /></colgroup>
        : <colgroup><col class="dv-col-ln" /><col class="dv-col-ln" /><col /></colgroup>}
      <thead>
        {split ? (
          <tr><th colSpan={2} scope="colgroup">A · {props.labelA}</th><th colSpan={2} scope="colgroup">B · {props.labelB}</th></tr>
        ) : (
          <tr><th scope="col">A</th><th scope="col">B</th><th scope="col">A: {props.labelA} · B: {props.labelB}</th></tr>
        )}
      </thead>
      {props.regions.map((r, i) => (
        <tbody key={i}>
          <tr class="dl-hunk"><td class="dv-hunk" colSpan={cols}>Around {span(r)} of the original file</td></tr>
          {split
            ? compareRows(r.lines).map((row, j) => (
              <tr key={j}><Cells line={row.a} no={row.a?.aNo ?? null} tokens={props.tokens} /><Cells line={row.b} no={row.b?.bNo ?? null} tokens={props.tokens} /></tr>
            ))
            : r.lines.map((l, j) => (
              <tr key={j} class={CLASS[l.side]}>
                <td class="dv-ln" data-n={num(l.aNo)} />
                <td class="dv-ln" data-n={num(l.bNo)} />
                <td class="dv-code"><span class="dv-sign">{MARK[l.side]}</span><Code text={l.text} tokens={props.tokens?.get(l)} noEol={l.noEol} /></td>
              </tr>
            ))}
        </tbody>
      ))}
    </table>
  );
}
