/** A registered repo that came from GitHub, with a client that can act on it (or a clear 4xx). */
import type { Db } from '../db/client.ts';
import { getRepo } from '../db/queries/repos.ts';
import type { RepoRow } from '../db/rows.ts';
import { HttpError, notFound } from '../lib/errors.ts';
import { github } from './errors.ts';
import { userGitHub } from './repos.ts';

export type GitHubRepoRow = RepoRow & { githubFullName: string };

export async function githubRepoOf(db: Db, secret: string, repo: RepoRow) {
  if (!repo.githubFullName) {
    throw new HttpError(400, 'not_a_github_repo', 'this repo was registered by clone URL; add it from GitHub (Settings → Repositories) to use GitHub features');
  }
  const gh = await userGitHub(db, secret, repo.userId);
  const kit = await github('authenticating with GitHub', () => gh.forRepo(repo));
  return { repo: repo as GitHubRepoRow, gh, kit };
}

export async function githubRepo(db: Db, secret: string, userId: string, repoId: string) {
  const repo = await getRepo(db, userId, repoId);
  if (!repo) throw notFound('repo');
  return githubRepoOf(db, secret, repo);
}
