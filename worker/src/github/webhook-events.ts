/**
 * What a verified webhook does (only for dursor's own PRs, of the connection that signed it):
 * - `issue_comment` on a PR / `pull_request_review_comment`, mentioning `@dursor`, by someone who
 *   may (write, maintain or admin on the repo, or on the owner's allowlist: commenter-access.ts;
 *   anyone else is told once on the PR and starts nothing): a follow-up round on the PR branch
 *   with the comment as the instruction — the same executors and models as the round that
 *   produced the PR's current attempt, resuming its session — and a reply on the PR linking to
 *   the task;
 * - `pull_request`: the PR's state, head and title; a PR opened by hand from an attempt's branch
 *   (link mode) becomes its task's PR;
 * - `check_run`, `status`: the checks of the PR's head, shown on the task.
 * Bots' comments (dursor's own replies among them) never start anything.
 */
import { z } from 'zod';
import type { CreateRunsRequest, ExecutorId } from '../../../protocol/src/index.ts';
import type { Db } from '../db/client.ts';
import { findPrByGitHub, findPrsByHead, insertTaskPr, upsertChecks } from '../db/queries/pull-requests.ts';
import { getRepo } from '../db/queries/repos.ts';
import { listRuns } from '../db/queries/runs.ts';
import { getTask } from '../db/queries/tasks.ts';
import type { GitHubConnectionRow, RunRow } from '../db/rows.ts';
import type { Env } from '../env.ts';
import { newId } from '../lib/ids.ts';
import { startRound } from '../lib/rounds.ts';
import { checkRunRow, statusRow } from './checks.ts';
import { clientFor } from './client.ts';
import { commenterAccess, refuseOnce } from './commenter-access.ts';
import { commentOn, pullState } from './pull-ops.ts';
import { syncPull } from './pr-service.ts';

const MENTION = /(^|[^\w@])@dursor\b/i;

const Repository = z.object({ full_name: z.string() });
const Actor = z.object({ login: z.string(), type: z.string().optional() });
const Comment = z.object({ body: z.string(), html_url: z.string().optional(), user: Actor });
const IssueComment = z.object({
  action: z.string(), repository: Repository, sender: Actor, comment: Comment,
  issue: z.object({ number: z.number(), pull_request: z.unknown().optional() }),
});
const ReviewComment = z.object({
  action: z.string(), repository: Repository, sender: Actor, comment: Comment,
  pull_request: z.object({ number: z.number() }),
});
const PullRequestEvent = z.object({
  action: z.string(), repository: Repository,
  pull_request: z.object({
    number: z.number(), state: z.enum(['open', 'closed']), merged: z.boolean().nullish(), merged_at: z.string().nullish(),
    title: z.string(), html_url: z.string(), head: z.object({ sha: z.string(), ref: z.string() }), base: z.object({ ref: z.string() }),
  }),
});
const CheckRunEvent = z.object({
  repository: Repository,
  check_run: z.object({ name: z.string(), status: z.string(), conclusion: z.string().nullable(), html_url: z.string().nullish(), head_sha: z.string() }),
});
const StatusEvent = z.object({
  repository: Repository, sha: z.string(), context: z.string(), state: z.string(), target_url: z.string().nullish(),
});

export interface WebhookOutcome { handled: string; runIds?: string[] }

export interface WebhookContext { env: Env; db: Db; conn: GitHubConnectionRow; origin: string }

/** The attempt mix of the round that produced `run`: same executors, models and counts. */
export function roundAttempts(runs: RunRow[], run: RunRow): CreateRunsRequest['attempts'] {
  const mix = new Map<string, { executor: ExecutorId; modelProfileId?: string; count: number }>();
  for (const r of runs.filter((x) => x.messageId === run.messageId)) {
    const key = `${r.executor}\u0000${r.modelProfileId ?? ''}`;
    const entry = mix.get(key) ?? { executor: r.executor as ExecutorId, ...(r.modelProfileId ? { modelProfileId: r.modelProfileId } : {}), count: 0 };
    entry.count = Math.min(8, entry.count + 1);
    mix.set(key, entry);
  }
  return [...mix.values()];
}

async function onMention(ctx: WebhookContext, fullName: string, number: number, comment: z.infer<typeof Comment>, sender: z.infer<typeof Actor>): Promise<WebhookOutcome> {
  if (!MENTION.test(comment.body)) return { handled: 'ignored: no @dursor mention' };
  if (sender.type === 'Bot' || comment.user.type === 'Bot') return { handled: 'ignored: comment by a bot' };
  const found = await findPrByGitHub(ctx.db, fullName, number);
  if (!found || found.userId !== ctx.conn.userId) return { handled: 'ignored: not a dursor pull request' };
  const { pr } = found;
  const task = await getTask(ctx.db, found.userId, pr.taskId);
  const repo = task && await getRepo(ctx.db, found.userId, task.repoId);
  if (!task || !repo) return { handled: 'ignored: the task is gone' };
  const gh = await clientFor(ctx.db, ctx.env.DURSOR_ENCRYPTION_KEY, ctx.conn);
  const kit = await gh.forRepo(repo);
  const author = comment.user.login;
  const access = await commenterAccess(ctx.db, found.userId, kit, fullName, author);
  if (!access.may) {
    const replied = await refuseOnce(ctx.db, kit, fullName, pr, author);
    return { handled: `refused: @${author} may not start runs (${access.why}); ${replied ? 'told on the pull request' : 'already told on this pull request'}` };
  }
  const runs = await listRuns(ctx.db, task.id);
  const prRun = runs.find((r) => r.id === pr.runId);
  if (!prRun) return { handled: 'ignored: the PR\'s attempt is gone' };
  const instruction = comment.body.replace(MENTION, '$1').trim() || comment.body.trim();
  const { rows } = await startRound(ctx.env, ctx.db, task, {
    attempts: roundAttempts(runs, prRun), message: instruction, parentRunId: prRun.id, baseRef: pr.branch,
  });
  const link = `${ctx.origin}/tasks/${task.id}`;
  const source = comment.html_url ? `[this comment](${comment.html_url})` : 'this comment';
  await commentOn(kit, fullName, number,
    `dursor started ${rows.length} attempt${rows.length === 1 ? '' : 's'} on \`${pr.branch}\` for ${source} by @${author}. Follow them and pick the winner: ${link}`);
  return { handled: 'follow-up started', runIds: rows.map((r) => r.id) };
}

/**
 * A PR the user opened by hand from an attempt's branch (link mode, `dursor/<task>/<run>`)
 * becomes the task's PR, unless the task has one already.
 */
async function adoptLinkedPr(ctx: WebhookContext, fullName: string, p: z.infer<typeof PullRequestEvent>['pull_request']): Promise<WebhookOutcome> {
  const m = /^dursor\/([^/]+)\/([^/]+)$/.exec(p.head.ref);
  const task = m && await getTask(ctx.db, ctx.conn.userId, m[1]);
  const repo = task && await getRepo(ctx.db, task.userId, task.repoId);
  const run = task && (await listRuns(ctx.db, task.id)).find((r) => r.id === m![2]);
  if (!task || !run || repo?.githubFullName?.toLowerCase() !== fullName.toLowerCase()) return { handled: 'ignored: not a dursor pull request' };
  const now = Date.now();
  const pr = await insertTaskPr(ctx.db, {
    id: newId(), taskId: task.id, repoId: task.repoId, runId: run.id, number: p.number, url: p.html_url, title: p.title,
    branch: p.head.ref, baseBranch: p.base.ref, headSha: p.head.sha, state: pullState(p), createdAt: now, updatedAt: now,
  });
  return { handled: pr.number === p.number ? 'pull request linked to its task' : 'ignored: the task already has a pull request' };
}

export async function handleEvent(ctx: WebhookContext, event: string, payload: unknown): Promise<WebhookOutcome> {
  switch (event) {
    case 'ping':
      return { handled: 'pong' };
    case 'issue_comment': {
      const e = IssueComment.safeParse(payload);
      if (!e.success || e.data.action !== 'created' || !e.data.issue.pull_request) return { handled: 'ignored: not a new comment on a pull request' };
      return onMention(ctx, e.data.repository.full_name, e.data.issue.number, e.data.comment, e.data.sender);
    }
    case 'pull_request_review_comment': {
      const e = ReviewComment.safeParse(payload);
      if (!e.success || e.data.action !== 'created') return { handled: 'ignored: not a new review comment' };
      return onMention(ctx, e.data.repository.full_name, e.data.pull_request.number, e.data.comment, e.data.sender);
    }
    case 'pull_request': {
      const e = PullRequestEvent.safeParse(payload);
      if (!e.success) return { handled: 'ignored: unreadable pull_request event' };
      const p = e.data.pull_request;
      const found = await findPrByGitHub(ctx.db, e.data.repository.full_name, p.number);
      if (!found && e.data.action === 'opened') return adoptLinkedPr(ctx, e.data.repository.full_name, p);
      if (!found || found.userId !== ctx.conn.userId) return { handled: 'ignored: not a dursor pull request' };
      await syncPull(ctx.db, found.pr, p);
      return { handled: `pull request ${pullState(p)}` };
    }
    case 'check_run': {
      const e = CheckRunEvent.safeParse(payload);
      if (!e.success) return { handled: 'ignored: unreadable check_run event' };
      const prs = await findPrsByHead(ctx.db, e.data.repository.full_name, e.data.check_run.head_sha);
      await upsertChecks(ctx.db, prs.map((pr) => checkRunRow(pr.id, e.data.check_run)));
      return { handled: `check run recorded on ${prs.length} pull request(s)` };
    }
    case 'status': {
      const e = StatusEvent.safeParse(payload);
      if (!e.success) return { handled: 'ignored: unreadable status event' };
      const prs = await findPrsByHead(ctx.db, e.data.repository.full_name, e.data.sha);
      await upsertChecks(ctx.db, prs.map((pr) => statusRow(pr.id, e.data.sha, e.data)));
      return { handled: `status recorded on ${prs.length} pull request(s)` };
    }
    default:
      return { handled: `ignored: ${event} events are not used` };
  }
}
