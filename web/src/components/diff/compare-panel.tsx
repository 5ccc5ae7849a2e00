/**
 * "Compare attempts" on the task page (`compare-panel`), once two or more attempts succeeded:
 * pick A and B (the first two by default), then Compare attempts fetches both patches through
 * the task store (shared with the cards) and shows the comparison, a lazy chunk. Picking a
 * different pair while open re-compares at once.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Run } from '../../../../protocol/src/index.ts';
import type { TaskStore } from '../../state/task-store.ts';
import { lazy } from '../lazy.tsx';
import { Field, LoadError, Loading } from '../ui.tsx';
import type { CompareSide, CompareViewProps } from './compare-view.tsx';

const CompareView = lazy<CompareViewProps>(async () => (await import('./compare-view.tsx')).CompareView, 'Loading the comparison…');

type Props = { store: TaskStore; runs: Run[]; runLabel: (r: Run) => string };

export function ComparePanel(props: Props) {
  const done = props.runs.filter((r) => r.status === 'succeeded');
  const [aId, setA] = useState<string | null>(null);
  const [bId, setB] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  if (done.length < 2) return null;
  const a = done.find((r) => r.id === aId) ?? done[0];
  const b = done.find((r) => r.id === bId && r.id !== a.id) ?? done.find((r) => r.id !== a.id)!;
  const options = done.map((r) => <option key={r.id} value={r.id}>{props.runLabel(r)}</option>);

  return (
    <section class="card compare-panel" data-testid="compare-panel" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare attempts</h2>
      <div class="compare-pick">
        <Field label="Attempt A">{(id) => <select id={id} value={a.id} onChange={(e) => setA(e.currentTarget.value)}>{options}</select>}</Field>
        <Field label="Attempt B">{(id) => <select id={id} value={b.id} onChange={(e) => setB(e.currentTarget.value)}>{options}</select>}</Field>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? 'Hide comparison' : 'Compare attempts'}</button>
      </div>
      {open && <CompareBody store={props.store} a={a} b={b} runLabel={props.runLabel} />}
    </section>
  );
}

function CompareBody(props: { store: TaskStore; a: Run; b: Run; runLabel: (r: Run) => string }) {
  const { store, a, b } = props;
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const patchOf = (r: Run): string | undefined => {
    const result = store.view(r.id).value.result;
    const fetched = store.patches.value[r.id];
    return result?.patch ?? (typeof fetched === 'string' ? fetched : undefined);
  };
  const sides = [a, b].map((r): CompareSide | null => {
    const patch = patchOf(r);
    const result = store.view(r.id).value.result;
    return patch === undefined ? null : { label: props.runLabel(r), patch, truncated: result?.patchTruncated === true, baseCommit: result?.baseCommit ?? r.baseCommit };
  });
  const missing = [a, b].filter((r) => patchOf(r) === undefined).map((r) => r.id).join(' ');
  useEffect(() => {
    if (!missing) return;
    let live = true;
    setFailed(false);
    void Promise.all(missing.split(' ').map((id) => store.ensurePatch(id))).then(() => {
      // Absent again = this fetch failed (null = a card's fetch of it is still under way).
      if (live && missing.split(' ').some((id) => !(id in store.patches.peek()))) setFailed(true);
    });
    return () => {
      live = false;
    };
  }, [missing, attempt]);

  if (a.id === b.id) return <p class="hint">Pick two different attempts.</p>;
  if (sides[0] && sides[1]) return <CompareView a={sides[0]} b={sides[1]} />;
  if (failed) return <LoadError message="Could not load the attempts' patches." onRetry={() => setAttempt((n) => n + 1)} />;
  return <Loading what="Loading both attempts' patches…" />;
}
