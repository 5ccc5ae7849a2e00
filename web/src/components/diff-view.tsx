/**
 * Renders a unified patch with added/removed lines coloured, one block per file. A class
 * component so a card re-rendering for streamed text does not re-render a large diff: it only
 * updates when the patch string changes.
 */
import { Component } from 'preact';
import { parsePatch } from '../lib/diff-parse.ts';

type Props = { patch: string; truncated?: boolean };

export class DiffView extends Component<Props> {
  shouldComponentUpdate(next: Props): boolean {
    return next.patch !== this.props.patch || next.truncated !== this.props.truncated;
  }

  render() {
    const files = parsePatch(this.props.patch);
    return (
      <div class="diff" data-testid="run-diff">
        {files.map((f, i) => (
          <section class="diff-file" key={i}>
            <h4 class="diff-path">{f.path}</h4>
            <pre class="diff-body"><code>
              {f.lines.map((l, j) => (
                <span key={j} class={`dl dl-${l.kind}`}>{l.text || ' '}</span>
              ))}
            </code></pre>
          </section>
        ))}
        {this.props.truncated && (
          <p class="hint">The patch was too large to show in full; the pushed branch has the whole change.</p>
        )}
      </div>
    );
  }
}
