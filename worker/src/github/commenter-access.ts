/**
 * Who may start a round with an `@dursor` comment (issue "Seal every attempt"): a comment makes
 * dursor run agents on the owner's runners and spend the owner's model keys, so only people with
 * write, maintain or admin on the repository — GitHub's collaborator permission API — or a login
 * on the owner's allowlist (Settings → GitHub) may. Anyone else is told once per PR and login
 * (`github_refused_commenters`): neither a second comment nor a redelivery makes a second reply,
 * so a stranger cannot make dursor's bot spam a PR either.
 */
import type { Db } from '../db/client.ts';
import { firstRefusal, forgetRefusal, isAllowedLogin } from '../db/queries/github-access.ts';
import { ownerRepo, type Kit } from './client.ts';
import { githubStatus, toHttpError } from './errors.ts';
import { commentOn } from './pull-ops.ts';

/** GitHub's `role_name`s that may push; `permission` (older, coarser) says write for maintain. */
const WRITE_ROLES = new Set(['write', 'maintain', 'admin']);
const WRITE_PERMISSIONS = new Set(['write', 'admin']);

export interface CommenterAccess { may: boolean; why: string }

export const refusalText = (login: string) => `@${login}, only people with write access to this repository can start dursor runs`;

/** Whether `login` may start rounds on `fullName`: the owner's allowlist first, then GitHub's answer. */
export async function commenterAccess(db: Db, ownerId: string, kit: Kit, fullName: string, login: string): Promise<CommenterAccess> {
  if (await isAllowedLogin(db, ownerId, login)) return { may: true, why: 'on the allowlist' };
  let answer: { permission?: string; role_name?: string };
  try {
    answer = (await kit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { ...ownerRepo(fullName), username: login })).data;
  } catch (err) {
    // 404: no such user, or none GitHub will describe to us — either way not someone who may push.
    if (githubStatus(err) === 404) return { may: false, why: 'GitHub knows no permission of theirs here' };
    throw toHttpError(err, `checking ${login}'s permission on ${fullName}`);
  }
  const role = answer.role_name ?? '';
  const permission = answer.permission ?? '';
  if (WRITE_ROLES.has(role) || WRITE_PERMISSIONS.has(permission)) return { may: true, why: `${role || permission} access` };
  return { may: false, why: `${role || permission || 'no'} access` };
}

/** Tells `login` on the PR that they may not start runs, once per PR and login; true when this call replied. */
export async function refuseOnce(db: Db, kit: Kit, fullName: string, pr: { id: string; number: number }, login: string): Promise<boolean> {
  if (!(await firstRefusal(db, pr.id, login))) return false;
  try {
    await commentOn(kit, fullName, pr.number, refusalText(login));
  } catch (err) {
    await forgetRefusal(db, pr.id, login); // not told after all: a later comment may try again
    throw err;
  }
  return true;
}
