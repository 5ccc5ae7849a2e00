/**
 * "Base branch": a picker of the repository's branches for GitHub repos (GET
 * /v1/repos/:id/branches); a text field for other repos, while the list loads, and when it fails.
 */
import type { Repo } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { useResource } from '../../lib/resource.ts';
import { Field } from '../../components/ui.tsx';

export function BranchField(props: { repo: Repo | null; value: string; onChange: (v: string) => void }) {
  const { repo, value, onChange } = props;
  const github = repo?.github ? repo : null;
  const list = useResource(github ? github.id : null, (signal) => api.listBranches(github!.id, signal));
  const names = list.data?.branches.map((b) => b.name) ?? null;

  if (names && names.length > 0) {
    // Keep what the user had (a default branch not listed yet, or one typed before the list came).
    const options = value && !names.includes(value) ? [value, ...names] : names;
    return (
      <Field label="Base branch" hint={repo ? `Default: ${repo.defaultBranch} · ${names.length} ${names.length === 1 ? 'branch' : 'branches'}` : undefined}>
        {(id, hint) => (
          <select id={id} value={value} aria-describedby={hint} onChange={(e) => onChange(e.currentTarget.value)}>
            {options.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        )}
      </Field>
    );
  }
  const hint = !repo ? undefined
    : list.loading ? `Default: ${repo.defaultBranch} · loading branches from GitHub…`
    : list.error ? `Could not list branches (${list.error}) — type the branch name.`
    : `Default: ${repo.defaultBranch}`;
  return (
    <Field label="Base branch" hint={hint}>
      {(id, hintId) => <input id={id} required value={value} aria-describedby={hintId} onInput={(e) => onChange(e.currentTarget.value)} />}
    </Field>
  );
}
