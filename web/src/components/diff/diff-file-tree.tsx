/**
 * The changed files of a run, sorted by path so each folder's files sit together (the folder
 * dimmed, the name bold), with status and +/− per file. A name is a button that jumps to the
 * file's diff; a file the (truncated) patch does not include is listed without one.
 */
import { Delta } from './diff-controls.tsx';

export type TreeItem = { path: string; status: string; additions: number; deletions: number; binary: boolean; target: string | null };

export function DiffFileTree(props: { items: TreeItem[]; onJump: (target: string) => void }) {
  const items = [...props.items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return (
    <ul class="file-list dv-tree" data-testid="run-files" aria-label="Changed files">
      {items.map((f) => {
        const cut = f.path.lastIndexOf('/') + 1;
        const name = <><span class="dv-dir">{f.path.slice(0, cut)}</span><span class="dv-name">{f.path.slice(cut)}</span></>;
        return (
          <li key={f.path} data-path={f.path}>
            <span class={`file-status file-${f.status}`}>{f.status}</span>
            {f.target ? (
              <button type="button" class="dv-jump file-path" onClick={() => props.onJump(f.target!)}>{name}</button>
            ) : (
              <span class="file-path" title="Not in the shown patch">{name}</span>
            )}
            {f.binary ? <span class="hint">binary</span> : <Delta additions={f.additions} deletions={f.deletions} />}
          </li>
        );
      })}
    </ul>
  );
}
