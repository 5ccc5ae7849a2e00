/**
 * "Issue" (GitHub repos only): start the task from an issue — pick one of the open issues
 * (GET /v1/repos/:id/issues, offered as suggestions) or paste its number or URL. The API turns the
 * issue's title and body into the instruction, and the PR will close it.
 */
import type { Repo } from '../../../../protocol/src/index.ts';
import { api } from '../../lib/endpoints.ts';
import { parseIssue } from '../../lib/new-task.ts';
import { useResource } from '../../lib/resource.ts';
import { Field } from '../../components/ui.tsx';

export function IssueField(props: { repo: Repo; value: string; onChange: (v: string) => void }) {
  const { repo, value, onChange } = props;
  const list = useResource(repo.id, (signal) => api.listIssues(repo.id, signal));
  const issues = list.data?.issues ?? [];
  const parsed = parseIssue(value);
  const chosen = issues.find((i) => i.number === parsed || i.url === parsed) ?? null;
  const listId = `issues-${repo.id}`;

  const hint = parsed === 'invalid' ? 'An issue number (like 12) or the issue’s URL.'
    : chosen ? <>Starts from <a href={chosen.url} target="_blank" rel="noopener noreferrer">#{chosen.number} {chosen.title}</a>; the instruction below is optional.</>
    : parsed !== null ? 'Starts from this issue; the instruction below is optional.'
    : list.loading ? 'Optional. Loading open issues…'
    : list.error ? `Optional. Could not list open issues (${list.error}) — type a number or paste a URL.`
    : `Optional. Pick one of ${issues.length} open ${issues.length === 1 ? 'issue' : 'issues'} or paste an issue URL; the PR will close it.`;

  return (
    <Field label="Issue" hint={hint}>
      {(id, hintId) => (
        <>
          <input id={id} list={listId} autocomplete="off" placeholder="#12 or https://github.com/…/issues/12"
            value={value} aria-describedby={hintId} aria-invalid={parsed === 'invalid'} onInput={(e) => onChange(e.currentTarget.value)} />
          <datalist id={listId}>
            {issues.map((i) => <option key={i.number} value={String(i.number)}>#{i.number} {i.title}</option>)}
          </datalist>
        </>
      )}
    </Field>
  );
}
