/**
 * Installation-token scopes enforced the way GitHub enforces them (issue "Seal every attempt":
 * dursor asks for one repository and `contents: write` for git, and the fake must refuse that
 * token anywhere else). `POST /app/installations/{id}/access_tokens` narrows a token to
 * `repositories` (names) or `repository_ids` of the installation and to `permissions` no wider
 * than the installation's (GitHub adds `metadata: read` to every token); a REST route then needs
 * its permission (`Route.needs`, else 403 `Resource not accessible by integration`), and git needs
 * `contents` read to fetch and write to push. A repository outside the token's list is not there
 * at all (404), for REST and git alike.
 */
import type { Permissions, Principal, RepoRec, Store, TokenScope } from './types.ts';
import { GhError } from './types.ts';

const NOT_ACCESSIBLE = 'There is at least one repository that does not exist or is not accessible to the parent installation.';
const NOT_GRANTED = 'The permissions requested are not granted to this installation.';

const stronger = (have: string | undefined, want: string) => have === 'write' || (have === 'read' && want === 'read');

/** The scope a token request asks for, checked against the installation (422s as GitHub's). */
export function scopeFromRequest(store: Store, body: Record<string, unknown>): TokenScope {
  const installed = [...store.repos.values()].filter((r) => r.installed);
  let repoIds: number[] | null = null;
  const names = body.repositories;
  const ids = body.repository_ids;
  if (names !== undefined || ids !== undefined) {
    if ((names !== undefined && !Array.isArray(names)) || (ids !== undefined && !Array.isArray(ids))) throw new GhError(422, NOT_ACCESSIBLE);
    const picked = new Set<number>();
    for (const n of (names as unknown[] | undefined) ?? []) {
      const r = installed.find((x) => typeof n === 'string' && x.name.toLowerCase() === n.toLowerCase());
      if (!r) throw new GhError(422, NOT_ACCESSIBLE);
      picked.add(r.id);
    }
    for (const id of (ids as unknown[] | undefined) ?? []) {
      if (!installed.some((x) => x.id === id)) throw new GhError(422, NOT_ACCESSIBLE);
      picked.add(id as number);
    }
    repoIds = [...picked];
  }
  const granted = store.installation.permissions;
  const asked = body.permissions;
  if (asked === undefined) return { repoIds, permissions: { ...granted } };
  if (!asked || typeof asked !== 'object' || Array.isArray(asked)) throw new GhError(422, NOT_GRANTED);
  const permissions: Permissions = { metadata: 'read' };
  for (const [name, level] of Object.entries(asked)) {
    if ((level !== 'read' && level !== 'write') || !stronger(granted[name], level)) throw new GhError(422, NOT_GRANTED);
    permissions[name] = level;
  }
  return { repoIds, permissions };
}

/** Whether an installation token covers the repository at all (else it is 404 to that token). */
export const covers = (scope: TokenScope, repo: RepoRec): boolean =>
  repo.installed && (scope.repoIds === null || scope.repoIds.includes(repo.id));

/** Whether `principal` holds one of `needs` (PATs and the app JWT are not limited here). */
export function allows(principal: Principal | null, needs: Permissions | undefined): boolean {
  if (!needs || principal?.kind !== 'installation') return true;
  return Object.entries(needs).some(([name, level]) => stronger(principal.permissions[name], level));
}

/** GitHub's refusal for a missing permission, naming what would have been accepted. */
export function notAccessible(needs: Permissions): GhError {
  const e = new GhError(403, 'Resource not accessible by integration');
  e.headers = { 'x-accepted-github-permissions': Object.entries(needs).map(([n, l]) => `${n}=${l}`).join('; ') };
  return e;
}

/** Git smart-HTTP: may an installation token fetch (`git-upload-pack`) or push (`git-receive-pack`) here? */
export function gitScope(scope: TokenScope, repo: RepoRec, service: string | null): true | { status: number; message: string } {
  if (!covers(scope, repo)) return { status: 404, message: 'Repository not found.' };
  const want = service === 'git-receive-pack' ? 'write' : 'read';
  if (!stronger(scope.permissions.contents, want)) {
    return { status: 403, message: want === 'write' ? `Permission to ${repo.fullName}.git denied.` : 'Repository access denied.' };
  }
  return true;
}
