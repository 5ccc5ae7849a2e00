/**
 * GET /v1/git/credential: what a runner's isomorphic-git `onAuth` asks for, each time it needs
 * it. The per-run token (Bearer) names an active run; the answer is the credential for that run's
 * repository — an installation token of the GitHub App (renewed before it expires) or the
 * personal access token. A repo registered by bare clone URL needs none (404).
 */
import { Hono } from 'hono';
import { getDb } from '../db/client.ts';
import { getConnection } from '../db/queries/github.ts';
import { getRepo } from '../db/queries/repos.ts';
import { getTask } from '../db/queries/tasks.ts';
import { bearer } from '../gateway/adapter.ts';
import { authorizeRunToken } from '../gateway/run-access.ts';
import { clientFor } from '../github/client.ts';
import { github } from '../github/errors.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { HttpError } from '../lib/errors.ts';

export const gitCredentialRoutes = new Hono<AppEnv>()
  .get('/credential', async (c) => {
    const db = getDb(c.env.DB);
    const found = await authorizeRunToken(c.env, bearer(c.req.raw), db);
    const task = await getTask(db, found.userId, found.run.taskId);
    const repo = task && await getRepo(db, found.userId, task.repoId);
    if (!repo?.githubFullName) throw new HttpError(404, 'no_credentials', 'this run\'s repository needs no credentials from dursor');
    const conn = await getConnection(db, found.userId);
    if (!conn) throw new HttpError(409, 'github_not_connected', 'the repository came from GitHub but the GitHub connection is gone; reconnect it in Settings');
    const gh = await clientFor(db, c.env.DURSOR_ENCRYPTION_KEY, conn);
    const password = await github('issuing a git credential', () => gh.gitToken(repo));
    c.header('cache-control', 'no-store');
    return c.json({ username: 'x-access-token', password });
  });
