/**
 * GET /v1/git/credential?runId=…&assignment=N: what a runner's isomorphic-git `onAuth` asks for,
 * each time it needs it. Asked with the runner's own credential (Bearer `drc_…`), never with the
 * run token: agents are hostile and the run token is something an agent's process could hold or
 * learn (issue "Seal every attempt"). The answer comes only while the run's TaskRoom says that
 * assignment is this runner's and active (`holdsRun`); anything else — a run token, a user token,
 * another runner's run, a finished or reassigned run — is 401 / 403. The credential is the one
 * repository's narrowed installation token (client.ts `gitToken`) or the personal access token.
 * A repo registered by bare clone URL needs none (404).
 */
import { Hono } from 'hono';
import { GitCredentialQuery } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { getConnection } from '../db/queries/github.ts';
import { getRepo } from '../db/queries/repos.ts';
import { getGatewayRun } from '../db/queries/runs.ts';
import { getTask } from '../db/queries/tasks.ts';
import { clientFor } from '../github/client.ts';
import { github } from '../github/errors.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { callDurable, taskRoomStub } from '../durable/stubs.ts';
import { HttpError } from '../lib/errors.ts';
import { queryParams } from '../lib/validate.ts';
import { requireRunner } from '../middleware/auth.ts';

const notHeld = (runId: string) =>
  new HttpError(403, 'run_not_assigned', `run ${runId} is not assigned to this runner now; only the runner holding an active run gets its git credentials`);

export const gitCredentialRoutes = new Hono<AppEnv>()
  .get('/credential', requireRunner, queryParams(GitCredentialQuery), async (c) => {
    const { runId, assignment } = c.req.valid('query');
    const db = getDb(c.env.DB);
    const found = await getGatewayRun(db, runId);
    // Unknown runs answer like runs of others: a runner learns nothing about runs it does not hold.
    if (!found) throw notHeld(runId);
    const runnerId = c.get('runner').id;
    const held = await callDurable('task room', () => taskRoomStub(c.env, found.run.taskId).holdsRun(runId, runnerId, assignment));
    if (!held) throw notHeld(runId);
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
