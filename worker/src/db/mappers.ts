/**
 * D1 rows → protocol response objects (protocol/src/api.ts). The one place that decides what a
 * row looks like on the wire; secrets (key ciphertext, hashes) never pass through.
 */
import type {
  FileChange, Message, ModelProfile, RegistrationToken, Repo, Run, RunStatus, Runner, Task, User,
} from '../../../protocol/src/index.ts';
import type { LiveRunner } from '../task-room/types.ts';
import type {
  MessageRow, ModelProfileRow, RegistrationTokenRow, RepoRow, RunRow, RunnerRow, TaskRow, UserRow,
} from './rows.ts';

function parseJsonArray<T>(text: string | null): T[] {
  try {
    const v: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

export const toUser = (r: UserRow): User => ({ id: r.id, email: r.email, role: r.role });

export const toModelProfile = (r: ModelProfileRow): ModelProfile => ({
  id: r.id, provider: r.provider, model: r.model, displayName: r.displayName,
  baseUrl: r.baseUrl, keyHint: r.keyHint, wireApi: r.wireApi, createdAt: r.createdAt,
});

const usd = (micros: number | null): number | null => (micros === null ? null : micros / 1e6);
const usage = (r: { inputTokens: number; outputTokens: number; costMicros: number }) => ({
  inputTokens: r.inputTokens, outputTokens: r.outputTokens, costUsd: r.costMicros / 1e6,
});

export const toRepo = (r: RepoRow): Repo => ({
  id: r.id, cloneUrl: r.cloneUrl, defaultBranch: r.defaultBranch, displayName: r.displayName,
  github: r.githubFullName ? { fullName: r.githubFullName, htmlUrl: r.htmlUrl ?? '', installationId: r.githubInstallationId } : null,
  sandbox: r.sandbox ?? { allowedHosts: [], limits: {} },
  allowWorkflowChanges: r.allowWorkflowChanges,
  createdAt: r.createdAt,
});

export const toTask = (r: TaskRow): Task => ({
  id: r.id, repoId: r.repoId, baseRef: r.baseRef, title: r.title, status: r.status,
  budgetUsd: usd(r.budgetMicros), usage: usage(r),
  issue: r.issueNumber !== null ? { number: r.issueNumber, url: r.issueUrl ?? '', title: r.issueTitle ?? '' } : null,
  winnerRunId: r.winnerRunId,
  createdAt: r.createdAt, updatedAt: r.updatedAt,
});

export const toMessage = (r: MessageRow): Message => ({
  id: r.id, taskId: r.taskId, role: r.role, content: r.content, runId: r.runId, createdAt: r.createdAt,
});

/** `patch` is carried only by GET /v1/runs/:id (it can be 512 KiB). */
export function toRun(r: RunRow, opts: { withPatch?: boolean } = {}): Run {
  return {
    id: r.id, taskId: r.taskId, messageId: r.messageId,
    executor: r.executor as Run['executor'],
    modelProfileId: r.modelProfileId, attempt: r.attempt,
    status: r.status as RunStatus, branch: r.branch,
    baseCommit: r.baseCommit, headCommit: r.headCommit,
    stats: { files: r.filesChanged, additions: r.additions, deletions: r.deletions },
    files: parseJsonArray<FileChange>(r.files),
    ...(opts.withPatch ? { patch: r.patch } : {}),
    summary: r.summary, error: r.error, runnerId: r.runnerId, retries: r.retries,
    parentRunId: r.parentRunId, retryOfRunId: r.retryOfRunId, usage: usage(r), budgetUsd: usd(r.budgetMicros),
    timings: {
      wallMs: r.startedAt !== null && r.finishedAt !== null ? r.finishedAt - r.startedAt : null,
      ttftMs: r.startedAt !== null && r.firstTokenAt !== null ? r.firstTokenAt - r.startedAt : null,
    },
    createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
  };
}

export const toRegistrationToken = (r: RegistrationTokenRow, token?: string): RegistrationToken => ({
  id: r.id, pool: r.pool, expiresAt: r.expiresAt, createdAt: r.createdAt, ...(token ? { token } : {}),
});

/** A runner as D1 knows it, overlaid with the pool's live view when it is connected. */
export function toRunner(r: RunnerRow, live: LiveRunner | undefined): Runner {
  return {
    id: r.id, name: live?.name ?? r.name, pool: r.pool,
    labels: live?.labels ?? parseJsonArray<string>(r.labels),
    executors: live?.executors ?? parseJsonArray<string>(r.executors),
    protocolVersion: live?.protocolVersion ?? r.protocolVersion,
    online: live !== undefined,
    slots: live?.slots ?? null,
    activeRuns: live?.activeRuns ?? [],
    sandbox: live?.sandbox ?? null,
    credentialConflictAt: r.credentialConflictAt,
    lastSeenAt: r.lastSeenAt, createdAt: r.createdAt,
  };
}
