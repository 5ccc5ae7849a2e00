/**
 * Commit and push the run's change (docs/architecture.md §4): stage exactly the changed paths (add/remove),
 * commit as the dursor bot with `dursor: <first line of the instruction>` and a
 * `Dursor-Run: <runId>` trailer, then force-push to refs/heads/<branch>. The branch belongs to
 * the run, so a re-queued run may overwrite an earlier partial push of the same run.
 */
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import type { ChangedPath } from './changes.ts';
import { gitStepFailure } from '../workspace/git-errors.ts';
import type { GitAuth } from './credentials.ts';

export const BOT = { name: 'dursor', email: 'bot@dursor.dev' };

export class PushError extends Error {}

export function commitMessage(instruction: string, runId: string): string {
  const first = instruction.split('\n').map((l) => l.trim()).find(Boolean) ?? 'changes';
  const subject = first.length > 72 ? `${first.slice(0, 71)}…` : first;
  return `dursor: ${subject}\n\nDursor-Run: ${runId}\n`;
}

export interface CommitRequest {
  dir: string;
  gitCache: object;
  changes: ChangedPath[];
  instruction: string;
  runId: string;
}

/** Commits the changes on the checked-out branch; returns the new commit (or HEAD when nothing changed). */
export async function commitChanges(req: CommitRequest): Promise<string> {
  const { dir, gitCache: cache } = req;
  if (req.changes.length === 0) return git.resolveRef({ fs, dir, ref: 'HEAD' });
  const removed = req.changes.filter((c) => c.status === 'deleted').map((c) => c.path);
  const added = req.changes.filter((c) => c.status !== 'deleted').map((c) => c.path);
  for (const filepath of removed) await git.remove({ fs, dir, filepath, cache });
  if (added.length > 0) await git.add({ fs, dir, filepath: added, cache });
  const now = { timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  return git.commit({ fs, dir, cache, message: commitMessage(req.instruction, req.runId), author: { ...BOT, ...now }, committer: { ...BOT, ...now } });
}

export interface PushRequest {
  dir: string;
  gitCache: object;
  url: string;
  branch: string;
  /** The run's HTTP client (git/guarded-http.ts: its address policy). */
  http: HttpClient;
  /** The run's git credentials, when its repo needs them. */
  auth?: GitAuth;
  /** Delete the remote branch instead (cleanup after a cancel that raced the push). */
  delete?: boolean;
}

export async function pushBranch(req: PushRequest): Promise<void> {
  let res;
  try {
    res = await git.push({
      fs, http: req.http, dir: req.dir, url: req.url, cache: req.gitCache, ...req.auth?.(),
      ref: req.branch, remoteRef: `refs/heads/${req.branch}`, force: true, delete: req.delete,
    });
  } catch (e) {
    throw new PushError(gitStepFailure('push', e, req.url));
  }
  const refStatus = res.refs?.[`refs/heads/${req.branch}`];
  if (!res.ok || (refStatus && !refStatus.ok)) {
    throw new PushError(`push failed: the remote refused refs/heads/${req.branch}${refStatus?.error ? ` (${refStatus.error})` : res.error ? ` (${res.error})` : ''}`);
  }
}
