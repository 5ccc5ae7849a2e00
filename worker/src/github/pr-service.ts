/**
 * A task's pull request, end to end: draft (model-written title/body), create (or link), update
 * from a chosen attempt, refresh (state and checks read back from GitHub). The task remembers
 * one PR; its head branch `dursor/pr/<task>` is moved by pull-ops.ts. Routes and webhooks call
 * these; they hold no HTTP concerns of their own.
 */
import type { CreatePullRequestResponse, PullRequest, PullRequestDraft, UpdatePullRequestResponse } from '../../../protocol/src/index.ts';
import type { Db } from '../db/client.ts';
import { getModelProfile } from '../db/queries/model-profiles.ts';
import { getPrice } from '../db/queries/prices.ts';
import { recordLlmCall } from '../db/queries/usage.ts';
import { costMicros } from '../gateway/pricing.ts';
import { clearChecks, getTaskPr, insertTaskPr, listChecks, updatePr, upsertChecks } from '../db/queries/pull-requests.ts';
import { getRepo } from '../db/queries/repos.ts';
import { getUserRun } from '../db/queries/runs.ts';
import { listMessages, setWinner } from '../db/queries/tasks.ts';
import type { PullRequestRow, RepoRow, RunRow, TaskRow } from '../db/rows.ts';
import type { Env } from '../env.ts';
import { HttpError, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { decryptSecret } from '../lib/secret-box.ts';
import { readChecks, toPrCheck } from './checks.ts';
import { compareUrl, moveBranch, openPull, prBranchName, pullState, readPull, type GhPull } from './pull-ops.ts';
import { writeDraft } from './pr-writer.ts';
import { githubRepoOf } from './repo-access.ts';
import { readTemplate } from './template.ts';

export async function toPullRequest(db: Db, row: PullRequestRow): Promise<PullRequest> {
  const checks = await listChecks(db, row.id);
  return {
    id: row.id, taskId: row.taskId, runId: row.runId, number: row.number, url: row.url, title: row.title,
    branch: row.branch, baseBranch: row.baseBranch, headSha: row.headSha, state: row.state,
    checks: checks.map(toPrCheck), createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

/** A succeeded attempt of this task with a pushed commit: the only kind a PR can carry. */
export async function pushedRun(db: Db, task: TaskRow, runId: string): Promise<RunRow & { headCommit: string }> {
  const run = await getUserRun(db, task.userId, runId);
  if (!run || run.taskId !== task.id) throw notFound(`run ${runId} in this task`);
  if (run.status !== 'succeeded' || !run.headCommit) {
    throw new HttpError(400, 'run_not_pushed', `run ${run.id} is ${run.status}${run.status === 'succeeded' ? ' with no changes' : ''}; only a succeeded attempt with a pushed commit can go into the PR`);
  }
  return run as RunRow & { headCommit: string };
}

async function taskRepo(db: Db, task: TaskRow): Promise<RepoRow> {
  const repo = await getRepo(db, task.userId, task.repoId);
  if (!repo) throw notFound('repo');
  return repo;
}

/** The PR body closes the task's issue, whatever the user wrote. */
export function withClosingKeyword(body: string, issueNumber: number | null): string {
  if (issueNumber === null || new RegExp(`\\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\\s+#${issueNumber}\\b`, 'i').test(body)) return body;
  return `${body.trimEnd()}\n\nCloses #${issueNumber}`.trimStart();
}

export async function draftPr(env: Env, db: Db, task: TaskRow, runId: string): Promise<PullRequestDraft> {
  const run = await pushedRun(db, task, runId);
  const repo = await taskRepo(db, task);
  const template = repo.githubFullName
    ? await readTemplate((await githubRepoOf(db, env.DURSOR_ENCRYPTION_KEY, repo)).kit, repo.githubFullName, task.baseRef)
    : null;
  const conversation = (await listMessages(db, task.id)).filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content }));
  const profile = run.modelProfileId ? await getModelProfile(db, task.userId, run.modelProfileId) : undefined;
  const model = profile && profile.provider !== 'cursor'
    ? { profile, apiKey: await decryptSecret(env.DURSOR_ENCRYPTION_KEY, profile.apiKeyEnc) }
    : null;
  const draft = await writeDraft({ task, run, conversation, template }, model, async (call) => {
    await recordLlmCall(db, {
      id: newId(), runId: run.id, taskId: task.id, provider: model!.profile.provider, model: call.model, status: call.status,
      inputTokens: call.tokens.input, outputTokens: call.tokens.output,
      costMicros: costMicros(call.tokens, await getPrice(db, model!.profile.provider, call.model)),
      firstByteMs: call.firstByteMs, durationMs: Date.now() - call.started, createdAt: call.started,
    });
  });
  return { ...draft, body: withClosingKeyword(draft.body, task.issueNumber) };
}

export interface CreateInput { runId: string; mode: 'create' | 'link'; title?: string; body?: string; draft: boolean }

export async function createPr(env: Env, db: Db, task: TaskRow, input: CreateInput): Promise<CreatePullRequestResponse & { created: boolean }> {
  const run = await pushedRun(db, task, input.runId);
  const repo = await taskRepo(db, task);
  const existing = await getTaskPr(db, task.id);
  const title = input.title ?? task.title;
  const body = withClosingKeyword(input.body ?? '', task.issueNumber);
  if (input.mode === 'link') {
    const web = repo.htmlUrl ?? (/^https:\/\/github\.com\//.test(repo.cloneUrl) ? repo.cloneUrl.replace(/\.git$/, '') : null);
    if (!web) throw new HttpError(400, 'not_a_github_repo', 'this repo is not on GitHub; there is no compare page to link to');
    return { pr: existing ? await toPullRequest(db, existing) : null, compareUrl: compareUrl(web, task.baseRef, run.branch, title, body), created: false };
  }
  if (existing) return { pr: await toPullRequest(db, existing), compareUrl: null, created: false };
  const { kit } = await githubRepoOf(db, env.DURSOR_ENCRYPTION_KEY, repo);
  const fullName = repo.githubFullName!;
  const branch = prBranchName(task.id);
  const moved = await moveBranch(kit, fullName, branch, run.headCommit, 'fast-forward');
  const { pull, created } = await openPull(kit, fullName, { head: branch, base: task.baseRef, title, body, draft: input.draft });
  const now = Date.now();
  const row = await insertTaskPr(db, {
    id: newId(), taskId: task.id, repoId: repo.id, runId: run.id, number: pull.number, url: pull.html_url,
    title: pull.title, branch, baseBranch: pull.base.ref, headSha: pull.head.sha || moved.head, state: pullState(pull),
    createdAt: now, updatedAt: now,
  });
  if (!task.winnerRunId) await setWinner(db, task.id, run.id);
  return { pr: await toPullRequest(db, row), compareUrl: null, created };
}

async function taskPrOrFail(db: Db, task: TaskRow): Promise<PullRequestRow> {
  const pr = await getTaskPr(db, task.id);
  if (!pr) throw new HttpError(404, 'no_pull_request', 'this task has no pull request yet; create one first');
  return pr;
}

export async function updatePrFromRun(
  env: Env, db: Db, task: TaskRow, input: { runId: string; mode: 'fast-forward' | 'replace'; expectedHeadSha?: string },
): Promise<UpdatePullRequestResponse> {
  const pr = await taskPrOrFail(db, task);
  if (pr.state !== 'open') throw new HttpError(409, 'pull_request_not_open', `pull request #${pr.number} is ${pr.state}; it cannot be updated`);
  const run = await pushedRun(db, task, input.runId);
  const { kit, repo } = await githubRepoOf(db, env.DURSOR_ENCRYPTION_KEY, await taskRepo(db, task));
  const moved = await moveBranch(kit, repo.githubFullName, pr.branch, run.headCommit, input.mode, input.expectedHeadSha,
    `Merge dursor attempt ${run.id} into ${pr.branch}`);
  if (moved.head !== pr.headSha) await clearChecks(db, pr.id);
  await updatePr(db, pr.id, { runId: run.id, headSha: moved.head });
  await setWinner(db, task.id, run.id);
  return { pr: await toPullRequest(db, (await getTaskPr(db, task.id))!), outcome: moved.outcome };
}

/** What GitHub says of the PR (a refresh, or a `pull_request` webhook): state, head, title; checks of an older head go. */
export async function syncPull(db: Db, pr: PullRequestRow, pull: Pick<GhPull, 'state' | 'merged' | 'merged_at' | 'title'> & { head: { sha: string } }): Promise<void> {
  if (pull.head.sha !== pr.headSha) await clearChecks(db, pr.id);
  await updatePr(db, pr.id, { state: pullState(pull), headSha: pull.head.sha, title: pull.title });
}

export async function refreshPr(env: Env, db: Db, task: TaskRow): Promise<PullRequest> {
  const pr = await taskPrOrFail(db, task);
  const repo = await taskRepo(db, task);
  const { kit } = await githubRepoOf(db, env.DURSOR_ENCRYPTION_KEY, repo);
  const pull = await readPull(kit, repo.githubFullName!, pr.number);
  await syncPull(db, pr, pull);
  await upsertChecks(db, await readChecks(kit, repo.githubFullName!, pr.id, pull.head.sha));
  return toPullRequest(db, (await getTaskPr(db, task.id))!);
}
