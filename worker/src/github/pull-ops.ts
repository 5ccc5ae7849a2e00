/**
 * The PR branch and the pull request on GitHub. dursor owns the PR's head branch
 * (`dursor/pr/<task-id>`); runs push their own branches, and the Worker moves the PR branch to a
 * chosen run's commit through the git refs API:
 * - fast-forward when the commit descends from the PR head;
 * - when someone else moved the PR branch meanwhile (GitHub: "not a fast forward"), the update is
 *   retried against the new head by merging the commit onto it (`POST /merges`, atomic on the
 *   branch), so nobody's commits are lost; a real conflict is a 409 for the user;
 * - replace (reset the branch) only when asked, and only while the head is still the one the user
 *   saw (a lease check).
 */
import type { PullRequestState } from '../../../protocol/src/index.ts';
import { HttpError } from '../lib/errors.ts';
import { ownerRepo, type Kit } from './client.ts';
import { github, githubMessage, githubStatus } from './errors.ts';

export const prBranchName = (taskId: string): string => `dursor/pr/${taskId}`;

/** Attempts at a fast-forward/merge when the branch keeps moving under us. */
const MOVE_ATTEMPTS = 3;

export interface GhPull {
  number: number;
  html_url: string;
  title: string;
  state: 'open' | 'closed';
  merged?: boolean | null;
  merged_at?: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
}

export const pullState = (p: Pick<GhPull, 'state' | 'merged' | 'merged_at'>): PullRequestState =>
  p.merged || p.merged_at ? 'merged' : p.state;

export async function branchHead(kit: Kit, fullName: string, branch: string): Promise<string | null> {
  try {
    const res = await kit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...ownerRepo(fullName), ref: `heads/${branch}` });
    return (res.data as { object: { sha: string } }).object.sha;
  } catch (err) {
    if (githubStatus(err) === 404) return null;
    throw err;
  }
}

export type MoveOutcome = 'fast-forward' | 'merged' | 'replaced' | 'up-to-date';

/**
 * Puts `sha` on `branch` (creating it when missing). Returns what happened and the new head.
 * Replace needs `expectedHead`: the branch is reset only while it is still there.
 */
export async function moveBranch(
  kit: Kit, fullName: string, branch: string, sha: string,
  mode: 'fast-forward' | 'replace', expectedHead?: string, message?: string,
): Promise<{ outcome: MoveOutcome; head: string }> {
  const where = ownerRepo(fullName);
  const ref = `heads/${branch}`;
  return github(`updating ${branch}`, async () => {
    for (let attempt = 1; attempt <= MOVE_ATTEMPTS; attempt++) {
      const head = await branchHead(kit, fullName, branch);
      if (head === null) {
        try {
          await kit.request('POST /repos/{owner}/{repo}/git/refs', { ...where, ref: `refs/heads/${branch}`, sha });
          return { outcome: 'fast-forward', head: sha };
        } catch (err) {
          if (githubStatus(err) === 422) continue; // created meanwhile (a double click): look again
          throw err;
        }
      }
      if (head === sha) return { outcome: 'up-to-date', head };
      if (mode === 'replace') {
        if (head !== expectedHead) {
          throw new HttpError(409, 'stale_head', `the PR branch moved since you looked: it is at ${head.slice(0, 7)}, not ${(expectedHead ?? '').slice(0, 7)}; refresh and decide again`);
        }
        await kit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...where, ref, sha, force: true });
        return { outcome: 'replaced', head: sha };
      }
      const cmp = (await kit.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...where, basehead: `${head}...${sha}` })).data as { status: string };
      if (cmp.status === 'identical' || cmp.status === 'behind') return { outcome: 'up-to-date', head };
      if (cmp.status === 'ahead') {
        try {
          await kit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...where, ref, sha, force: false });
          return { outcome: 'fast-forward', head: sha };
        } catch (err) {
          if (githubStatus(err) === 422) continue; // moved between compare and update
          throw err;
        }
      }
      // Diverged: someone pushed to the PR branch. Merge onto their head instead of dropping it.
      try {
        const res = await kit.request('POST /repos/{owner}/{repo}/merges', {
          ...where, base: branch, head: sha, commit_message: message ?? `Merge ${sha.slice(0, 7)} into ${branch}`,
        });
        if ((res.status as number) === 204) return { outcome: 'up-to-date', head };
        return { outcome: 'merged', head: (res.data as { sha: string }).sha };
      } catch (err) {
        if (githubStatus(err) === 409) {
          throw new HttpError(409, 'merge_conflict', `the PR branch has commits that conflict with this attempt (${githubMessage(err)}); replace the branch or continue from the PR head`);
        }
        throw err;
      }
    }
    throw new HttpError(409, 'branch_moving', `${branch} kept moving while dursor updated it; try again`);
  });
}

/**
 * Opens the PR, or finds the open one for the same head (GitHub's 422 "A pull request already
 * exists" — a double click, or a PR opened by hand from the branch).
 */
export async function openPull(
  kit: Kit, fullName: string, input: { head: string; base: string; title: string; body: string; draft: boolean },
): Promise<{ pull: GhPull; created: boolean }> {
  const where = ownerRepo(fullName);
  return github('opening the pull request', async () => {
    try {
      const res = await kit.request('POST /repos/{owner}/{repo}/pulls', { ...where, ...input });
      return { pull: res.data as GhPull, created: true };
    } catch (err) {
      if (githubStatus(err) !== 422 || !/already exists/i.test(githubMessage(err))) throw err;
      const found = await kit.request('GET /repos/{owner}/{repo}/pulls', { ...where, head: `${where.owner}:${input.head}`, state: 'open' });
      const pull = (found.data as GhPull[])[0];
      if (!pull) throw err;
      return { pull, created: false };
    }
  });
}

export async function readPull(kit: Kit, fullName: string, number: number): Promise<GhPull> {
  return github(`reading pull request #${number}`, async () =>
    (await kit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...ownerRepo(fullName), pull_number: number })).data as GhPull);
}

export async function commentOn(kit: Kit, fullName: string, number: number, body: string): Promise<void> {
  await github(`commenting on #${number}`, () =>
    kit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...ownerRepo(fullName), issue_number: number, body }));
}

/** GitHub's compare page, where a user opens the PR by hand ("link" mode). */
export function compareUrl(htmlUrl: string, base: string, head: string, title?: string, body?: string): string {
  const q = new URLSearchParams({ expand: '1' });
  if (title) q.set('title', title);
  if (body) q.set('body', body);
  return `${htmlUrl.replace(/\/+$/, '')}/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}?${q}`;
}
