/**
 * Rows of "Agent × Model × Count" for a new task or a follow-up. The model list of a row holds
 * only the profiles its agent can run on (EXECUTOR_PROVIDERS); changing the agent picks a
 * compatible model. With the runner list (the shared `runners` list), it says which agents the connected runners
 * offer and marks the others, whose attempts would wait in the queue until such a runner connects.
 * While a row runs the Cursor agent it says that this agent alone gets the user's key on the runner.
 */
import { EXECUTOR_IDS } from '../../../protocol/src/index.ts';
import type { ExecutorId, ModelProfile } from '../../../protocol/src/index.ts';
import { cursorKeyNote, EXECUTOR_LABELS, profilesFor } from '../lib/new-task.ts';
import { agentOptionLabel, agentWarning, offeredAgents, offersSummary } from '../lib/runner-offers.ts';
import { runners } from '../state/lists.ts';
import type { AttemptRow } from '../lib/new-task.ts';
import { Field } from './ui.tsx';

export function AttemptsEditor(props: {
  rows: AttemptRow[];
  profiles: ModelProfile[];
  onChange: (rows: AttemptRow[]) => void;
  newKey: () => number;
}) {
  const { rows, profiles, onChange } = props;
  // The page keeps the runner list loaded (useRunners); until it is, nothing is marked.
  const offered = offeredAgents(runners.state.value.data);
  const update = (key: number, patch: Partial<AttemptRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = () => {
    // Suggest a model not used yet, since comparing models is the point of several rows.
    const used = new Set(rows.map((r) => r.modelProfileId));
    const next = profiles.find((p) => !used.has(p.id)) ?? profiles[0];
    onChange([...rows, { key: props.newKey(), executor: 'patch-agent', modelProfileId: next?.id ?? '', count: 1 }]);
  };
  const setExecutor = (r: AttemptRow, executor: ExecutorId) => {
    const usable = profilesFor(executor, profiles);
    update(r.key, { executor, modelProfileId: usable.some((p) => p.id === r.modelProfileId) ? r.modelProfileId : usable[0]?.id ?? '' });
  };
  const total = rows.reduce((n, r) => n + (Number.isFinite(r.count) ? r.count : 0), 0);
  const summary = offersSummary(offered);
  const keyNote = cursorKeyNote(rows);
  return (
    <fieldset class="attempts" data-testid="attempts-editor">
      <legend>Attempts</legend>
      <p class="hint">Each attempt runs in parallel in its own workspace and pushes its own branch.</p>
      {summary && <p class="hint" data-testid="runner-offers">{summary}</p>}
      {rows.map((r, i) => (
        <div class="attempt-row" key={r.key} data-testid="attempt-row">
          <Field label="Agent" hint={agentWarning(r.executor, offered) ?? undefined} hintTestId="agent-unavailable">
            {(id, hint) => (
              <select id={id} value={r.executor} aria-describedby={hint} onChange={(e) => setExecutor(r, e.currentTarget.value as ExecutorId)}>
                {EXECUTOR_IDS.map((x) => <option key={x} value={x}>{agentOptionLabel(x, offered)}</option>)}
              </select>
            )}
          </Field>
          <Field label="Model">
            {(id) => {
              const usable = profilesFor(r.executor, profiles);
              return (
                <select id={id} value={r.modelProfileId} onChange={(e) => update(r.key, { modelProfileId: e.currentTarget.value })}>
                  {usable.length === 0 && <option value="">No {EXECUTOR_LABELS[r.executor]} model profile yet</option>}
                  {usable.map((p) => <option key={p.id} value={p.id}>{p.displayName}</option>)}
                </select>
              );
            }}
          </Field>
          <Field label="Count" class="count">
            {(id) => (
              <input id={id} type="number" min={1} max={8} step={1} required value={Number.isNaN(r.count) ? '' : String(r.count)}
                onInput={(e) => update(r.key, { count: e.currentTarget.valueAsNumber })} />
            )}
          </Field>
          <button type="button" class="secondary small" disabled={rows.length === 1}
            onClick={() => onChange(rows.filter((x) => x.key !== r.key))}>
            Remove<span class="visually-hidden"> attempt row {i + 1}</span>
          </button>
        </div>
      ))}
      {keyNote && <p class="notice" data-testid="cursor-key-note">{keyNote}</p>}
      <div class="form-actions">
        <button type="button" class="secondary" onClick={add}>Add attempt row</button>
        <span class="hint" aria-live="polite">{total} {total === 1 ? 'attempt' : 'attempts'} in total</span>
      </div>
    </fieldset>
  );
}
