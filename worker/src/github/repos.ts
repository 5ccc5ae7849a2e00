/**
 * What a connection can see: repositories (through every app installation, or the token's own
 * list), a repository's branches and open issues, and one issue. Shapes are trimmed to the
 * protocol's picker objects.
 */
import type { GitHubBranch, GitHubIssueChoice, GitHubRepoChoice } from '../../../protocol/src/index.ts';
import type { Db } from '../db/client.ts';
import { getConnection } from '../db/queries/github.ts';
import { HttpError } from '../lib/errors.ts';
import { clientFor, notConnected, ownerRepo, type GitHubClient, type Kit } from './client.ts';
import { github } from './errors.ts';

/** Pages read per listing (100 items each): pickers show what most accounts have, boundedly. */
const MAX_PAGES = 5;

interface GhRepo { full_name: string; clone_url: string; html_url: string; default_branch: string; private: boolean }
interface GhIssue { number: number; title: string; body?: string | null; html_url: string; state: string; pull_request?: unknown }

export async function userGitHub(db: Db, secret: string, userId: string): Promise<GitHubClient> {
  const conn = await getConnection(db, userId);
  if (!conn) throw notConnected();
  return clientFor(db, secret, conn);
}

const choice = (r: GhRepo, installationId: number | null): GitHubRepoChoice => ({
  fullName: r.full_name, cloneUrl: r.clone_url, htmlUrl: r.html_url,
  defaultBranch: r.default_branch, private: r.private, installationId,
});

async function pages<T>(fetchPage: (page: number) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const items = await fetchPage(page);
    out.push(...items);
    if (items.length < 100) break;
  }
  return out;
}

export async function listVisibleRepos(gh: GitHubClient): Promise<GitHubRepoChoice[]> {
  if (!gh.app) {
    const kit = await gh.forRepo({ githubInstallationId: null, githubFullName: null });
    const repos = await github('listing your repositories', () => pages(async (page) =>
      (await kit.request('GET /user/repos', { per_page: 100, page, sort: 'updated' })).data as GhRepo[]));
    return repos.map((r) => choice(r, null));
  }
  const app = gh.app;
  const installations = await github('listing the app\'s installations', async () =>
    (await app.octokit.request('GET /app/installations', { per_page: 100 })).data as Array<{ id: number }>);
  const out: GitHubRepoChoice[] = [];
  for (const inst of installations) {
    const kit = await github('authenticating as an installation', () => gh.forInstallation(inst.id));
    const repos = await github('listing an installation\'s repositories', () => pages(async (page) =>
      ((await kit.request('GET /installation/repositories', { per_page: 100, page })).data as { repositories: GhRepo[] }).repositories));
    out.push(...repos.map((r) => choice(r, inst.id)));
  }
  return out;
}

/** The repository as the connection sees it; for an app, the installation that can see it. */
export async function resolveRepo(gh: GitHubClient, fullName: string, installationId?: number): Promise<GitHubRepoChoice> {
  let inst = installationId ?? null;
  if (gh.app && inst === null) {
    const found = (await listVisibleRepos(gh)).find((r) => r.fullName.toLowerCase() === fullName.toLowerCase());
    if (!found) throw new HttpError(404, 'github_not_found', `${fullName}: the GitHub App is not installed on this repository (install it, then add the repo)`);
    inst = found.installationId;
  }
  const kit = await github('authenticating as an installation', () => gh.forRepo({ githubInstallationId: inst, githubFullName: fullName }));
  const repo = await github(`reading ${fullName}`, async () => (await kit.request('GET /repos/{owner}/{repo}', ownerRepo(fullName))).data as GhRepo);
  return choice(repo, gh.app ? inst : null);
}

export async function listBranches(kit: Kit, fullName: string): Promise<GitHubBranch[]> {
  const branches = await github(`listing the branches of ${fullName}`, () => pages(async (page) =>
    (await kit.request('GET /repos/{owner}/{repo}/branches', { ...ownerRepo(fullName), per_page: 100, page })).data as Array<{ name: string; commit: { sha: string } }>));
  return branches.map((b) => ({ name: b.name, sha: b.commit.sha }));
}

const issueChoice = (i: GhIssue): GitHubIssueChoice => ({ number: i.number, title: i.title, url: i.html_url, state: i.state });

/** Open issues, not pull requests (GitHub's issues list mixes both). */
export async function listIssues(kit: Kit, fullName: string): Promise<GitHubIssueChoice[]> {
  const issues = await github(`listing the issues of ${fullName}`, async () =>
    (await kit.request('GET /repos/{owner}/{repo}/issues', { ...ownerRepo(fullName), state: 'open', per_page: 100 })).data as GhIssue[]);
  return issues.filter((i) => !i.pull_request).map(issueChoice);
}

/** Issue number from a number or an issue URL of this repository. */
export function issueNumber(ref: number | string, repoHtmlUrl: string): number {
  if (typeof ref === 'number') return ref;
  const m = /^(.*)\/issues\/(\d+)\/?(?:[?#].*)?$/.exec(ref.trim());
  if (!m || m[1].toLowerCase() !== repoHtmlUrl.toLowerCase().replace(/\/+$/, '')) {
    throw new HttpError(400, 'invalid_request', `issue: ${ref} is not an issue of ${repoHtmlUrl} (expected ${repoHtmlUrl}/issues/<number>)`);
  }
  return Number(m[2]);
}

export async function getIssue(kit: Kit, fullName: string, number: number): Promise<GhIssue & { url: string }> {
  const issue = await github(`reading issue #${number} of ${fullName}`, async () =>
    (await kit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...ownerRepo(fullName), issue_number: number })).data as GhIssue);
  if (issue.pull_request) throw new HttpError(400, 'invalid_request', `issue: #${number} is a pull request, not an issue`);
  return { ...issue, url: issue.html_url };
}
