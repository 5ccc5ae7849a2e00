/**
 * One file's hunks as a table, unified (one column, both line numbers) or split (old left, new
 * right). Line numbers are CSS-generated from data-n so copying code never picks them up; the
 * +/− sign stays real text (screen readers and `innerText` see it). A class component with a
 * shallow props check, so a parent re-render does not re-diff thousands of rows.
 */
import { Component } from 'preact';
import type { DiffHunk, DiffLine } from '../../lib/diff-model.ts';
import { splitRows } from '../../lib/diff-model.ts';
import type { Token } from '../../lib/diff-highlight.ts';
import type { TokenMap } from '../../lib/diff-tokens.ts';
import type { DiffMode } from '../../lib/diff-prefs.ts';

const SIGN = { add: '+', del: '-', ctx: ' ' } as const;

/** A line's text, as highlighted tokens when there are some. */
export function Code(props: { text: string; tokens: Token[] | undefined; noEol?: boolean }) {
  const body = props.tokens
    ? props.tokens.map((t, i) => (t.cls ? <span key={i} class={t.cls}>{t.text}</span> : t.text))
    : props.text;
  return (
    <>
      <code>{body}</code>
      {props.noEol && <span class="dv-noeol"> (no newline at end of file)</span>}
    </>
  );
}

const num = (n: number | null) => (n === null ? undefined : String(n));

function UnifiedRow(props: { line: DiffLine; tokens: TokenMap | null }) {
  const { line } = props;
  return (
    <tr class={`dl-${line.kind}`}>
      <td class="dv-ln" data-n={num(line.oldNo)} />
      <td class="dv-ln" data-n={num(line.newNo)} />
      <td class="dv-code"><span class="dv-sign">{SIGN[line.kind]}</span><Code text={line.text} tokens={props.tokens?.get(line)} noEol={line.noEol} /></td>
    </tr>
  );
}

function SplitCells(props: { line: DiffLine | null; side: 'old' | 'new'; tokens: TokenMap | null }) {
  const { line } = props;
  if (!line) return <><td class="dv-ln dv-empty" /><td class="dv-code dv-empty" /></>;
  return (
    <>
      <td class={`dv-ln dl-${line.kind}`} data-n={num(props.side === 'old' ? line.oldNo : line.newNo)} />
      <td class={`dv-code dl-${line.kind}`}><span class="dv-sign">{SIGN[line.kind]}</span><Code text={line.text} tokens={props.tokens?.get(line)} noEol={line.noEol} /></td>
    </>
  );
}

type Props = { hunks: DiffHunk[]; mode: DiffMode; tokens: TokenMap | null; label: string };

export class DiffTable extends Component<Props> {
  shouldComponentUpdate(next: Props): boolean {
    const p = this.props;
    return next.hunks !== p.hunks || next.mode !== p.mode || next.tokens !== p.tokens || next.label !== p.label;
  }

  render() {
    const { hunks, mode, tokens, label } = this.props;
    const split = mode === 'split';
    return (
      <table class={`dv-table dv-${mode}`} aria-label={label}>
        {split ? (
          <colgroup><col class="dv-col-ln" /><col /><col class="dv-col-ln" /><col /></colgroup>
        ) : (
          <colgroup><col class="dv-col-ln" /><col class="dv-col-ln" /><col /></colgroup>
        )}
        {hunks.map((h, i) => (
          <tbody key={i}>
            <tr class="dl-hunk"><td class="dv-hunk" colSpan={split ? 4 : 3}>{h.header}</td></tr>
            {split
              ? splitRows(h.lines).map((r, j) => (
                <tr key={j}><SplitCells line={r.left} side="old" tokens={tokens} /><SplitCells line={r.right} side="new" tokens={tokens} /></tr>
              ))
              : h.lines.map((l, j) => <UnifiedRow key={j} line={l} tokens={tokens} />)}
          </tbody>
        ))}
      </table>
    );
  }
}
