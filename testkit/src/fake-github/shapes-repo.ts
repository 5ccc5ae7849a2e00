/**
 * GitHub REST JSON for users, the app and its installation, repositories, commits, refs and
 * branches — field names exactly as api.github.com sends them (the common ones; every field
 * dursor reads is complete).
 */
import type { CommitInfo } from './git-ops.ts';
import type { Actor, Permissions, RepoRec, Store } from './types.ts';

/** GitHub timestamps: ISO 8601 without milliseconds. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const nodeId = (type: string, id: number): string => Buffer.from(`${type}:${id}`).toString('base64').replace(/=+$/, '');

export function userJson(store: Store, a: Actor) {
  const login = encodeURIComponent(a.login);
  return {
    login: a.login, id: a.id, node_id: nodeId(a.type, a.id), avatar_url: `${store.web}/avatars/${login}`, gravatar_id: '',
    url: `${store.api}/users/${login}`, html_url: a.type === 'Bot' ? `${store.web}/apps/${store.app.slug}` : `${store.web}/${login}`,
    type: a.type, site_admin: false,
  };
}

/** The app's (and so the installation's) permissions: what dursor's manifest asks for. */
export const PERMISSIONS: Permissions = { contents: 'write', pull_requests: 'write', issues: 'write', checks: 'read', statuses: 'read', metadata: 'read' };

export function appJson(store: Store) {
  const a = store.app;
  return {
    id: a.id, slug: a.slug, node_id: nodeId('Integration', a.id), client_id: a.clientId, owner: userJson(store, a.owner), name: a.name,
    description: '', external_url: store.web, html_url: `${store.web}/apps/${a.slug}`, created_at: iso(a.createdAt), updated_at: iso(a.createdAt),
    permissions: PERMISSIONS, events: ['issue_comment', 'pull_request', 'pull_request_review_comment', 'check_run', 'status'],
    installations_count: 1,
  };
}

export function installationJson(store: Store) {
  const { id, account, createdAt } = store.installation;
  return {
    id, client_id: store.app.clientId, account: userJson(store, account), repository_selection: 'selected',
    access_tokens_url: `${store.api}/app/installations/${id}/access_tokens`, repositories_url: `${store.api}/installation/repositories`,
    html_url: `${store.web}/organizations/${account.login}/settings/installations/${id}`, app_id: store.app.id, app_slug: store.app.slug,
    target_id: account.id, target_type: account.type, permissions: store.installation.permissions, events: appJson(store).events,
    created_at: iso(createdAt), updated_at: iso(createdAt), single_file_name: null, suspended_by: null, suspended_at: null,
  };
}

export function repoJson(store: Store, r: RepoRec, withPermissions = true) {
  const api = `${store.api}/repos/${r.fullName}`;
  return {
    id: r.id, node_id: nodeId('Repository', r.id), name: r.name, full_name: r.fullName, private: r.private,
    owner: userJson(store, r.owner), html_url: `${store.web}/${r.fullName}`, description: null, fork: false, url: api,
    pulls_url: `${api}/pulls{/number}`, issues_url: `${api}/issues{/number}`, git_refs_url: `${api}/git/refs{/sha}`,
    clone_url: r.cloneUrl, git_url: r.cloneUrl.replace(/^http/, 'git'), ssh_url: `git@127.0.0.1:${r.fullName}.git`, svn_url: `${store.web}/${r.fullName}`,
    homepage: null, size: 1, language: null, archived: false, disabled: false, visibility: r.private ? 'private' : 'public',
    default_branch: r.defaultBranch, created_at: iso(r.createdAt), updated_at: iso(r.pushedAt), pushed_at: iso(r.pushedAt),
    open_issues_count: [...r.issues.values()].filter((i) => i.state === 'open').length,
    ...(withPermissions ? { permissions: { admin: false, maintain: false, push: true, triage: true, pull: true } } : {}),
  };
}

export function commitJson(store: Store, r: RepoRec, c: CommitInfo) {
  const api = `${store.api}/repos/${r.fullName}`;
  return {
    sha: c.sha, node_id: nodeId('Commit', Number.parseInt(c.sha.slice(0, 8), 16)),
    commit: {
      author: c.author, committer: c.committer, message: c.message, tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      url: `${api}/git/commits/${c.sha}`, comment_count: 0, verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
    },
    url: `${api}/commits/${c.sha}`, html_url: `${store.web}/${r.fullName}/commit/${c.sha}`, comments_url: `${api}/commits/${c.sha}/comments`,
    author: null, committer: null,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${store.web}/${r.fullName}/commit/${p}` })),
  };
}

export function refJson(store: Store, r: RepoRec, ref: string, sha: string) {
  const api = `${store.api}/repos/${r.fullName}`;
  return {
    ref, node_id: nodeId('Ref', r.id), url: `${api}/git/${ref}`,
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
}

export function branchSummaryJson(store: Store, r: RepoRec, name: string, sha: string) {
  return { name, commit: { sha, url: `${store.api}/repos/${r.fullName}/commits/${sha}` }, protected: false };
}
