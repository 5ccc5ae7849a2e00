/**
 * Octokit clients for a user's GitHub connection (docs/architecture.md §4): a GitHub App through @octokit/app
 * (JWT for app endpoints, installation tokens for repositories, cached in D1 by token-cache.ts)
 * or a personal access token through @octokit/core. Every client talks to the connection's API
 * base URL, which is also how tests point dursor at a fake GitHub.
 * Least privilege (issue "Seal every attempt"): the git token a runner gets is made for the one
 * repository with `contents: write` and nothing else; the Worker's own calls on a repository use
 * a separate token narrowed to that repository (repo-kit.ts). A personal access token cannot be
 * narrowed: with one, both are the token itself (Settings → GitHub recommends the app).
 */
import { App } from '@octokit/app';
import { Octokit } from '@octokit/core';
import type { Db } from '../db/client.ts';
import type { GitHubConnectionRow, RepoRow } from '../db/rows.ts';
import { decryptSecret } from '../lib/secret-box.ts';
import { HttpError } from '../lib/errors.ts';
import { repoKit } from './repo-kit.ts';
import { d1TokenCache, type AuthAppCache } from './token-cache.ts';

export type Kit = Octokit;

export const USER_AGENT = 'dursor';

/** All a run's git needs: fetch and push its one repository. Pull requests are the Worker's. */
export const GIT_PERMISSIONS = { contents: 'write' } as const;

type GitHubRepoRef = Pick<RepoRow, 'githubInstallationId' | 'githubFullName'>;

/** An Octokit class bound to `baseUrl`; app auth gets the shared token cache. */
function octokitFor(baseUrl: string, cache?: AuthAppCache): typeof Octokit {
  return Octokit.defaults((options: Record<string, unknown>) => {
    const auth = options.auth;
    return {
      ...options, baseUrl, userAgent: USER_AGENT,
      ...(cache && auth && typeof auth === 'object' ? { auth: { ...auth, cache } } : {}),
    };
  });
}

/** A client with no credentials (the app-manifest conversion needs none). */
export const anonymousKit = (baseUrl: string): Kit => new (octokitFor(baseUrl))();

export const appFrom = (baseUrl: string, appId: number, privateKeyPkcs8: string, cache?: AuthAppCache): App =>
  new App({ appId, privateKey: privateKeyPkcs8, Octokit: octokitFor(baseUrl, cache) });

export const tokenKit = (baseUrl: string, token: string): Kit => new (octokitFor(baseUrl))({ auth: token });

export interface GitHubClient {
  conn: GitHubConnectionRow;
  /** The app (JWT-authenticated octokit at `app.octokit`); null for a token connection. */
  app: App | null;
  /** A client that can act on `repo` (and only on it, with an app): its installation's, or the token's. */
  forRepo(repo: GitHubRepoRef): Promise<Kit>;
  forInstallation(installationId: number): Promise<Kit>;
  /** The credential git uses for `repo` over https: an installation token for that repo with contents: write, or the PAT. */
  gitToken(repo: GitHubRepoRef): Promise<string>;
}

export function notConnected(): HttpError {
  return new HttpError(400, 'github_not_connected', 'GitHub is not connected: connect a GitHub App or a token in Settings → GitHub');
}

export async function clientFor(db: Db, secret: string, conn: GitHubConnectionRow): Promise<GitHubClient> {
  if (conn.kind === 'token') {
    const token = await decryptSecret(secret, conn.tokenEnc ?? '');
    const kit = tokenKit(conn.apiBaseUrl, token);
    return {
      conn, app: null,
      forRepo: async () => kit,
      forInstallation: async () => kit,
      gitToken: async () => token,
    };
  }
  const privateKey = await decryptSecret(secret, conn.privateKeyEnc ?? '');
  const app = appFrom(conn.apiBaseUrl, conn.appId ?? 0, privateKey, d1TokenCache(db, secret, conn.id));
  const installationOf = (repo: GitHubRepoRef): number => {
    if (!repo.githubInstallationId || !repo.githubFullName) {
      throw new HttpError(400, 'github_no_installation', 'this repository is not linked to an installation of the GitHub App; add it again from GitHub');
    }
    return repo.githubInstallationId;
  };
  const nameOf = (repo: GitHubRepoRef) => ownerRepo(repo.githubFullName ?? '').repo;
  return {
    conn, app,
    forRepo: async (repo) => repoKit(new (octokitFor(conn.apiBaseUrl))(), app, installationOf(repo), nameOf(repo)),
    forInstallation: (id) => app.getInstallationOctokit(id) as Promise<Kit>,
    async gitToken(repo) {
      const auth = await app.octokit.auth({
        type: 'installation', installationId: installationOf(repo), repositoryNames: [nameOf(repo)], permissions: GIT_PERMISSIONS,
      }) as { token: string };
      return auth.token;
    },
  };
}

/** "owner/name" → path parameters. */
export function ownerRepo(fullName: string): { owner: string; repo: string } {
  const [owner, repo] = fullName.split('/');
  return { owner: owner ?? '', repo: repo ?? '' };
}
