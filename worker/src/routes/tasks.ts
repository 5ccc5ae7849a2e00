/**
 * /v1/tasks: create (with its first user message — typed, or a GitHub issue's title and body),
 * list, get, and the task's messages.
 */
import { Hono } from 'hono';
import { CreateTaskRequest, PostMessageRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toMessage, toRun, toTask } from '../db/mappers.ts';
import { getRepo } from '../db/queries/repos.ts';
import { getBudgetDefaults } from '../db/queries/user-settings.ts';
import { listRuns } from '../db/queries/runs.ts';
import { getTask, insertMessage, insertTaskWithMessage, listMessages, listTasks } from '../db/queries/tasks.ts';
import type { Db } from '../db/client.ts';
import type { RepoRow, TaskRow } from '../db/rows.ts';
import { githubRepoOf } from '../github/repo-access.ts';
import { getIssue, issueNumber } from '../github/repos.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { notFound } from '../lib/errors.ts';
import { userMessage } from '../lib/rounds.ts';
import { newId } from '../lib/ids.ts';
import { jsonBody } from '../lib/validate.ts';
import { publishTask } from '../user-feed/publish.ts';

const TITLE_MAX = 80;

/** A GitHub issue of the task's repo, as the task's instruction (title, blank line, body). */
async function importIssue(db: Db, secret: string, repo: RepoRow, ref: number | string) {
  const { kit } = await githubRepoOf(db, secret, repo);
  const issue = await getIssue(kit, repo.githubFullName!, issueNumber(ref, repo.htmlUrl ?? ''));
  const body = (issue.body ?? '').trim();
  return { number: issue.number, url: issue.url, title: issue.title, instruction: body ? `${issue.title}\n\n${body}` : issue.title };
}

export function titleFrom(instruction: string): string {
  const firstLine = instruction.trim().split('\n', 1)[0].trim();
  return firstLine.length > TITLE_MAX ? `${firstLine.slice(0, TITLE_MAX - 1)}…` : firstLine;
}

export const taskRoutes = new Hono<AppEnv>()
  .get('/', requireUser, async (c) => {
    const rows = await listTasks(getDb(c.env.DB), c.get('user').id);
    return c.json({ tasks: rows.map(toTask) });
  })
  .post('/', requireUser, jsonBody(CreateTaskRequest), idempotent(), async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const user = c.get('user');
    const repo = await getRepo(db, user.id, body.repoId);
    if (!repo) throw notFound('repo');
    const issue = body.issue === undefined ? null : await importIssue(db, c.env.DURSOR_ENCRYPTION_KEY, repo, body.issue);
    const instruction = body.instruction ?? issue!.instruction;
    const now = Date.now();
    const task: TaskRow = {
      id: newId(), userId: user.id, repoId: repo.id,
      baseRef: body.baseRef ?? repo.defaultBranch,
      title: body.title ?? issue?.title ?? titleFrom(instruction),
      status: 'idle',
      budgetMicros: body.budgetUsd === undefined ? (await getBudgetDefaults(db, user.id)).taskMicros : Math.round(body.budgetUsd * 1e6),
      inputTokens: 0, outputTokens: 0, costMicros: 0,
      issueNumber: issue?.number ?? null, issueUrl: issue?.url ?? null, issueTitle: issue?.title ?? null, winnerRunId: null,
      createdAt: now, updatedAt: now,
    };
    const message = userMessage(task.id, instruction, now);
    await insertTaskWithMessage(db, task, message);
    await publishTask(c.env, task);
    return c.json({ task: toTask(task), message: toMessage(message) }, 201);
  })
  .get('/:id', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const task = await getTask(db, c.get('user').id, c.req.param('id'));
    if (!task) throw notFound('task');
    const [messages, runs] = await Promise.all([listMessages(db, task.id), listRuns(db, task.id)]);
    return c.json({ task: toTask(task), messages: messages.map(toMessage), runs: runs.map((r) => toRun(r)) });
  })
  .get('/:id/messages', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const task = await getTask(db, c.get('user').id, c.req.param('id'));
    if (!task) throw notFound('task');
    return c.json({ messages: (await listMessages(db, task.id)).map(toMessage) });
  })
  .post('/:id/messages', requireUser, jsonBody(PostMessageRequest), idempotent(), async (c) => {
    const db = getDb(c.env.DB);
    const task = await getTask(db, c.get('user').id, c.req.param('id'));
    if (!task) throw notFound('task');
    const message = userMessage(task.id, c.req.valid('json').content, Date.now());
    await insertMessage(db, message);
    return c.json({ message: toMessage(message) }, 201);
  });
