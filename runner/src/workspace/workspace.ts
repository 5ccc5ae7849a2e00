/**
 * A run's workspace: `<work-dir>/runs/<runId>-<assignment>`, a copy of the repo cache's .git
 * with the run's branch created at the base commit and checked out. Removed after the run.
 */
import * as fs from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import git, { type HttpClient } from 'isomorphic-git';
import type { RepoCache } from './repo-cache.ts';
import type { GitAuth } from '../git/credentials.ts';

export interface Workspace {
  /** Real path (symlinks resolved) of the working tree. */
  dir: string;
  baseCommit: string;
  how: 'cloned' | 'fetched';
  /** isomorphic-git cache object for operations on this workspace. */
  gitCache: object;
  remove(): Promise<void>;
}

export interface WorkspaceRequest {
  workDir: string;
  runId: string;
  assignment: number;
  cloneUrl: string;
  baseRef: string;
  branch: string;
  /** The run's HTTP client for git (git/guarded-http.ts: its address policy). */
  http: HttpClient;
  /** The run's git credentials, when its repo needs them. */
  auth?: GitAuth;
}

export function workspaceDir(workDir: string, runId: string, assignment: number): string {
  return join(workDir, 'runs', `${runId.replace(/[^A-Za-z0-9_-]/g, '_')}-${assignment}`);
}

export async function prepareWorkspace(cache: RepoCache, req: WorkspaceRequest, progress: (msg: string) => void): Promise<Workspace> {
  const path = workspaceDir(req.workDir, req.runId, req.assignment);
  // A leftover from a crashed process would otherwise leak into this run.
  await rm(path, { recursive: true, force: true });
  const remove = () => rm(path, { recursive: true, force: true });
  try {
    const { baseCommit, how } = await cache.prepare(req.cloneUrl, req.baseRef, path, progress, req.http, req.auth);
    const gitCache = {};
    await git.branch({ fs, dir: path, ref: req.branch, object: baseCommit, force: true });
    await git.checkout({ fs, dir: path, ref: req.branch, force: true, cache: gitCache });
    return { dir: await realpath(path), baseCommit, how, gitCache, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
