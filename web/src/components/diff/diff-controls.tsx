/**
 * The unified/split switch shared by the diff viewer and the compare view: two toggle buttons
 * (aria-pressed) bound to the page-wide layout preference; `u` does the same from the keyboard.
 */
import { diffMode, setDiffMode } from '../../lib/diff-prefs.ts';
import type { DiffMode } from '../../lib/diff-prefs.ts';

const MODES: { mode: DiffMode; label: string }[] = [
  { mode: 'unified', label: 'Unified' },
  { mode: 'split', label: 'Split' },
];

export function LayoutToggle() {
  const current = diffMode.value;
  return (
    <div class="dv-seg" role="group" aria-label="Diff layout (shortcut: u)">
      {MODES.map(({ mode, label }) => (
        <button key={mode} type="button" class="secondary small" aria-pressed={current === mode} title="Toggle with the u key" onClick={() => setDiffMode(mode)}>
          {label}
        </button>
      ))}
    </div>
  );
}

/** "+12 −3" with the colours the rest of the app uses. */
export function Delta(props: { additions: number; deletions: number }) {
  return (
    <span class="file-delta"><span class="plus">+{props.additions}</span> <span class="minus">−{props.deletions}</span></span>
  );
}
