/**
 * `GET /repos/{o}/{r}/collaborators/{username}/permission`: what a user may do in a repository —
 * dursor asks it before a `@dursor` comment may start a round (issue "Seal every attempt").
 * `role_name` is the user's role (`setCollaborator`); `permission` is GitHub's older answer, in
 * which maintain reads as write and triage as read. The repository's owner is admin; anyone
 * else without a role reads a public repository (read) and nothing of a private one (none).
 */
import { REPO } from './routes-repo.ts';
import { userJson } from './shapes-repo.ts';
import type { RepoRec, RepoRole, Route } from './types.ts';

const LEGACY: Record<RepoRole, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read' };
const RANK: Array<RepoRole> = ['read', 'triage', 'write', 'maintain', 'admin'];

export function roleOf(repo: RepoRec, login: string): RepoRole | 'none' {
  if (repo.owner.login.toLowerCase() === login.toLowerCase()) return 'admin';
  return repo.collaborators.get(login.toLowerCase()) ?? (repo.private ? 'none' : 'read');
}

export const collaboratorRoutes: Route[] = [
  {
    method: 'GET', path: new RegExp(`${REPO}/collaborators/([^/]+)/permission$`), auth: 'token', repo: true, needs: { metadata: 'read' },
    handle(ctx) {
      const role = roleOf(ctx.repo, ctx.params[0]);
      const at = (r: RepoRole) => role !== 'none' && RANK.indexOf(role) >= RANK.indexOf(r);
      const user = {
        ...userJson(ctx.store, ctx.store.actor(ctx.params[0])),
        permissions: { admin: at('admin'), maintain: at('maintain'), push: at('write'), triage: at('triage'), pull: at('read') },
        role_name: role,
      };
      return { status: 200, body: { permission: role === 'none' ? 'none' : LEGACY[role], role_name: role, user } };
    },
  },
];
