/**
 * Per-repo git cache (docs/architecture.md §4): `<work-dir>/cache/<sha256(url)>` holds a bare-ish clone
 * (depth 1, single branch, no checkout) made with isomorphic-git over http(s). The first run
 * of a repo clones; later runs `fetch` only what is new. A per-repo mutex keeps concurrent runs
 * from racing on the cache, and a run's workspace gets a copy of the cache's .git made under
 * that same lock. Credentials only ever travel through `onAuth`, never in URLs or logs: the
 * cache is shared by runs, so each clone/fetch uses the credentials of the run it serves, and
 * a clone URL with user-info is refused.
 */
import * as fs from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import { KeyedMutex } from './mutex.ts';
import { gitStepFailure, hasUserInfo, isRemoteError, safeUrl } from './git-errors.ts';
import type { GitAuth } from '../git/credentials.ts';

export interface PrepareResult {
  baseCommit: string;
  how: 'cloned' | 'fetched';
}

export class GitStepError extends Error {}

const SHA = /^[0-9a-f]{40}$/i;

export class RepoCache {
  readonly root: string;
  #mutex = new KeyedMutex();
  /** isomorphic-git's in-memory pack index cache, one per repo, shared by its runs. */
  #gitCaches = new Map<string, object>();

  constructor(opts: { workDir: string }) {
    this.root = join(opts.workDir, 'cache');
  }

  dirFor(url: string): string {
    return join(this.root, createHash('sha256').update(url).digest('hex').slice(0, 32));
  }

  /**
   * Makes the cache hold `ref`, then copies its .git to `<dest>/.git`. Network calls go through
   * the run's `http` (git/guarded-http.ts: the run's address policy) with the run's `auth`, if any.
   */
  async prepare(url: string, ref: string, dest: string, progress: (msg: string) => void, http: HttpClient, auth?: GitAuth): Promise<PrepareResult> {
    if (hasUserInfo(url)) throw new GitStepError(`clone URL ${safeUrl(url)} must not carry credentials (user-info); dursor passes them only through onAuth`);
    return this.#mutex.run(url, async () => {
      const dir = this.dirFor(url);
      const cache = this.#gitCaches.get(url) ?? {};
      this.#gitCaches.set(url, cache);
      let result: PrepareResult;
      if (fs.existsSync(join(dir, '.git', 'HEAD'))) {
        try {
          result = { baseCommit: await this.#fetch(dir, url, ref, cache, http, auth), how: 'fetched' };
          progress(`fetched ${safeUrl(url)} ${ref} into the repo cache`);
        } catch (e) {
          if (e instanceof GitStepError) throw e;
          // A cache that cannot be read or updated is rebuilt once rather than failing every run.
          progress(`repo cache unusable (${(e as Error).message}); cloning again`);
          await rm(dir, { recursive: true, force: true });
          result = { baseCommit: await this.#clone(dir, url, ref, cache, http, auth), how: 'cloned' };
        }
      } else {
        progress(`cloning ${safeUrl(url)} ${ref} (depth 1)`);
        result = { baseCommit: await this.#clone(dir, url, ref, cache, http, auth), how: 'cloned' };
      }
      await mkdir(dest, { recursive: true });
      await cp(join(dir, '.git'), join(dest, '.git'), { recursive: true });
      return result;
    });
  }

  /** Clones into a temp dir and renames it into place, so a crash mid-clone never leaves a half cache. */
  async #clone(dir: string, url: string, ref: string, cache: object, http: HttpClient, auth?: GitAuth): Promise<string> {
    const tmp = `${dir}.partial-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const branch = SHA.test(ref) ? undefined : ref;
    try {
      await git.clone({ fs, http, dir: tmp, url, ref: branch, singleBranch: true, depth: 1, noCheckout: true, noTags: true, cache, ...auth?.() });
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw new GitStepError(gitStepFailure('clone', e, url, ref));
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return this.#resolve(dir, branch ? 'HEAD' : ref, url, ref, cache);
  }

  async #fetch(dir: string, url: string, ref: string, cache: object, http: HttpClient, auth?: GitAuth): Promise<string> {
    if (SHA.test(ref)) return this.#resolve(dir, ref, url, ref, cache);
    let fetched;
    try {
      fetched = await git.fetch({ fs, http, dir, url, ref, singleBranch: true, depth: 1, tags: false, cache, ...auth?.() });
    } catch (e) {
      // Remote-side problems are the run's failure; anything else means a broken cache.
      if (isRemoteError(e)) {
        throw new GitStepError(gitStepFailure('fetch', e, url, ref));
      }
      throw e;
    }
    if (!fetched.fetchHead) throw new GitStepError(`fetch failed: ref "${ref}" not found in ${safeUrl(url)}`);
    return fetched.fetchHead;
  }

  async #resolve(dir: string, what: string, url: string, ref: string, cache: object): Promise<string> {
    try {
      const oid = await git.resolveRef({ fs, dir, ref: what });
      await git.readCommit({ fs, dir, oid, cache });
      return oid;
    } catch {
      throw new GitStepError(`base ref "${ref}" not found in ${safeUrl(url)} (a commit must be reachable from a fetched branch)`);
    }
  }
}
