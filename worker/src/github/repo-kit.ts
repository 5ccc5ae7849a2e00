/**
 * The Worker's own client for one repository of an app installation (issue "Seal every attempt":
 * least privilege). Its token is narrowed to that repository, with the installation's permissions
 * (an app connected by hand may lack some of what the manifest asks, and asking for more than was
 * granted is a 422); it is never the token a runner gets (client.ts `gitToken`: contents: write
 * only) and never leaves the Worker. Each request asks auth-app for the token — cached in D1 per
 * installation, repository and permissions (token-cache.ts) — and a 401 within 5 s of the token's
 * creation is retried once after 1 s, as auth-app's own hook does for GitHub's replication delay.
 */
import type { App } from '@octokit/app';
import type { Kit } from './client.ts';

const REPLICATION_MS = 5_000;

export function repoKit(bare: Kit, app: App, installationId: number, repoName: string): Kit {
  bare.hook.wrap('request', async (request, options) => {
    const auth = await app.octokit.auth({ type: 'installation', installationId, repositoryNames: [repoName] }) as { token: string; createdAt: string };
    options.headers.authorization = `token ${auth.token}`;
    try {
      return await request(options);
    } catch (err) {
      if ((err as { status?: number }).status !== 401 || Date.now() - Date.parse(auth.createdAt) >= REPLICATION_MS) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
      return request(options);
    }
  });
  return bare;
}
