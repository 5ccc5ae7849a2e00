/**
 * REST shapes under /v1: request bodies (validated by the Worker's zod validators) and the
 * objects it returns (parsed by the web app). Errors are always `ApiError` with a 4xx/5xx status.
 */
import { z } from 'zod';
import { ExecutorId, Provider, WireApi } from './executors.ts';
import { DiffStats, FileChange } from './events.ts';
import { GitHubRepoRef, RepoGitHub, TaskIssue } from './github.ts';
import { RunStatus } from './run-status.ts';
import { AttemptSandbox, SandboxMode } from './runner-messages.ts';

export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof ApiError>;

const id = z.string().min(1).max(64);
const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(8, 'password must be at least 8 characters').max(256);

// ---------- requests ----------

export const SetupRequest = z.object({ email, password });
export const LoginRequest = z.object({ email, password: z.string().min(1).max(256) });
export const CreateApiTokenRequest = z.object({ name: z.string().trim().min(1).max(100) });
/** Defaults for new tasks and attempts that name no budget of their own (US dollars; null = none). */
export const BudgetSettings = z.object({
  defaultTaskBudgetUsd: z.number().positive().max(100_000).nullable(),
  defaultRunBudgetUsd: z.number().positive().max(100_000).nullable(),
});
export type BudgetSettings = z.infer<typeof BudgetSettings>;
/** What the user's tasks cost, as the gateway recorded it. */
export const SpendSummary = z.object({ last30DaysUsd: z.number().nonnegative(), allTimeUsd: z.number().nonnegative(), tasks: z.number().int() });
export type SpendSummary = z.infer<typeof SpendSummary>;

/**
 * GET /v1/settings/url-policy: which repository and model URLs this dursor accepts, so forms can
 * say so. `allowPrivateUrls` (DURSOR_ALLOW_PRIVATE_URLS, local development): http and
 * local/private hosts too; otherwise https to public hosts only.
 */
export const UrlPolicy = z.object({ allowPrivateUrls: z.boolean() });
export type UrlPolicy = z.infer<typeof UrlPolicy>;

export const ChangePasswordRequest = z.object({ currentPassword: z.string().min(1).max(256), newPassword: password });

/** A bearer API token as listed (the token itself is shown only once, when created). */
export const ApiToken = z.object({ id, name: z.string(), createdAt: z.number(), lastUsedAt: z.number().nullable() });
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateModelProfileRequest = z.object({
  provider: Provider,
  model: z.string().trim().min(1).max(200),
  displayName: z.string().trim().min(1).max(100).optional(),
  /** Upstream API base URL, e.g. https://api.openai.com/v1. Required for openai-compatible. */
  baseUrl: z.string().trim().url().max(500).optional(),
  apiKey: z.string().trim().min(1).max(1000),
  /** openai / openai-compatible: which wire API the patch agent uses (default chat). */
  wireApi: WireApi.optional(),
});
export const UpdateModelProfileRequest = CreateModelProfileRequest.partial();

export const CreateRepoRequest = z.object({
  /** A bare https clone URL; or `github` for a repository the GitHub connection can see. */
  cloneUrl: z.string().trim().url().max(500).optional(),
  github: GitHubRepoRef.optional(),
  /** Defaults to the GitHub repository's default branch, else main. */
  defaultBranch: z.string().trim().min(1).max(255).optional(),
  displayName: z.string().trim().min(1).max(100).optional(),
}).refine((r) => (r.cloneUrl === undefined) !== (r.github === undefined), {
  message: 'give either cloneUrl or github (owner/name), not both', path: ['cloneUrl'],
});

/** PATCH /v1/repos/:id: what may change after a repository was added. */
export const UpdateRepoRequest = z.object({
  displayName: z.string().trim().min(1).max(100).optional(),
  defaultBranch: z.string().trim().min(1).max(255).optional(),
  sandbox: AttemptSandbox.optional(),
  /** Let its runs change `.github/workflows/` (issue 11; off by default). */
  allowWorkflowChanges: z.boolean().optional(),
});
export type UpdateRepoRequest = z.infer<typeof UpdateRepoRequest>;

export const CreateTaskRequest = z.object({
  repoId: id,
  baseRef: z.string().trim().min(1).max(255).optional(),
  /** Required unless the task starts from a GitHub issue (then the issue's title and body). */
  instruction: z.string().trim().min(1).max(100_000).optional(),
  /** Start from a GitHub issue of the repo: its URL or number. The PR will close it. */
  issue: z.union([z.number().int().positive(), z.string().trim().url().max(500)]).optional(),
  title: z.string().trim().min(1).max(200).optional(),
  /** Spend cap for the whole task, in US dollars; the gateway refuses calls past it. */
  budgetUsd: z.number().positive().max(100_000).optional(),
}).refine((t) => t.instruction !== undefined || t.issue !== undefined, {
  message: 'instruction: required (or start from a GitHub issue)', path: ['instruction'],
});

export const PostMessageRequest = z.object({ content: z.string().trim().min(1).max(100_000) });

export const AttemptRequest = z.object({
  executor: ExecutorId,
  /** Required for patch-agent. */
  modelProfileId: id.optional(),
  count: z.number().int().min(1).max(8).default(1),
});
export const CreateRunsRequest = z.object({
  attempts: z.array(AttemptRequest).min(1).max(16),
  /** A follow-up instruction; without it the runs answer the task's latest user message. */
  message: z.string().trim().min(1).max(100_000).optional(),
  /** Spend cap per run, in US dollars. */
  budgetUsd: z.number().positive().max(100_000).optional(),
  /**
   * Continue from this run: the new runs start from its branch head, and attempts on the same
   * executor resume its agent session.
   */
  parentRunId: id.optional(),
  /** Answer this earlier user message of the task instead of the latest one (a retry). */
  messageId: id.optional(),
  /**
   * This round is a retry of that run of the task: one attempt, answering the run's message (the
   * default for messageId), numbered after the attempts its round already has.
   */
  retryOfRunId: id.optional(),
}).refine((r) => !(r.message !== undefined && r.messageId !== undefined), {
  message: 'give either message (a new instruction) or messageId (an earlier one), not both', path: ['messageId'],
}).refine((r) => r.retryOfRunId === undefined || (r.message === undefined && r.attempts.reduce((n, a) => n + a.count, 0) === 1), {
  message: 'a retry is one attempt answering the retried run\'s message: no message, one attempt of count 1', path: ['retryOfRunId'],
});
export type CreateRunsRequest = z.infer<typeof CreateRunsRequest>;

export const CreateRegistrationTokenRequest = z.object({
  pool: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).default('default'),
  expiresInHours: z.number().int().min(1).max(24 * 30).default(24),
});
export const RegisterRunnerRequest = z.object({
  registrationToken: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(100),
  labels: z.array(z.string().max(64)).max(32).default([]),
});

// ---------- responses ----------

export const User = z.object({ id, email: z.string(), role: z.enum(['owner', 'member']) });
export type User = z.infer<typeof User>;

export const AuthState = z.object({ setupRequired: z.boolean(), user: User.nullable() });
export type AuthState = z.infer<typeof AuthState>;

export const ModelProfile = z.object({
  id,
  provider: Provider,
  model: z.string(),
  displayName: z.string(),
  baseUrl: z.string().nullable(),
  /** Last four characters of the key, for recognition. The key itself is never returned. */
  keyHint: z.string(),
  wireApi: WireApi.nullable(),
  createdAt: z.number(),
});
export type ModelProfile = z.infer<typeof ModelProfile>;

/** POST /v1/model-profiles/:id/test: the provider's answer to a cheap authenticated call. */
export const ModelProfileTest = z.object({
  ok: z.boolean(),
  /** The provider's HTTP status; null when it could not be reached. */
  status: z.number().int().nullable(),
  latencyMs: z.number().nonnegative(),
  /** What the user should know: "reached, key accepted", or why not. */
  message: z.string(),
});
export type ModelProfileTest = z.infer<typeof ModelProfileTest>;

export const Repo = z.object({
  id,
  cloneUrl: z.string(),
  defaultBranch: z.string(),
  displayName: z.string(),
  github: RepoGitHub.nullable(),
  /** Hosts its attempts may reach and caps on them, over each runner's defaults (issue 10). */
  sandbox: AttemptSandbox,
  /** Its runs may change `.github/workflows/` (issue 11); off unless the owner turned it on. */
  allowWorkflowChanges: z.boolean(),
  createdAt: z.number(),
});
export type Repo = z.infer<typeof Repo>;

/** Tokens and cost as recorded by the LLM gateway (the provider's own usage fields). */
export const Usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

/** From the task's runs: running while one is unfinished; done once one succeeded; cancelled when every run was cancelled; else failed. */
export const TaskStatus = z.enum(['idle', 'running', 'done', 'failed', 'cancelled']);
export const Task = z.object({
  id,
  repoId: id,
  baseRef: z.string(),
  title: z.string(),
  status: TaskStatus,
  budgetUsd: z.number().nullable(),
  usage: Usage,
  issue: TaskIssue.nullable(),
  /** The attempt the user chose as the best one. */
  winnerRunId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Task = z.infer<typeof Task>;

export const Message = z.object({
  id,
  taskId: id,
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  runId: z.string().nullable(),
  createdAt: z.number(),
});
export type Message = z.infer<typeof Message>;

export const Run = z.object({
  id,
  taskId: id,
  messageId: id,
  executor: ExecutorId,
  modelProfileId: z.string().nullable(),
  attempt: z.number().int(),
  status: RunStatus,
  branch: z.string(),
  baseCommit: z.string().nullable(),
  headCommit: z.string().nullable(),
  stats: DiffStats,
  files: z.array(FileChange),
  /** Only on GET /v1/runs/:id. */
  patch: z.string().nullable().optional(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
  runnerId: z.string().nullable(),
  retries: z.number().int(),
  parentRunId: z.string().nullable(),
  /** The run this one retries; its attempt number follows the round's others, so labels stay unique. */
  retryOfRunId: z.string().nullable(),
  usage: Usage,
  budgetUsd: z.number().nullable(),
  /** wallMs: assigned → finished; ttftMs: assigned → first streamed text or tool call. */
  timings: z.object({ wallMs: z.number().nullable(), ttftMs: z.number().nullable() }),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type Run = z.infer<typeof Run>;

/** Price of a model per million tokens, in US dollars; the gateway prices each call with it. */
export const ModelPrice = z.object({
  provider: Provider,
  model: z.string(),
  inputUsdPerMTok: z.number().nonnegative(),
  outputUsdPerMTok: z.number().nonnegative(),
  updatedAt: z.number(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;
export const PutModelPriceRequest = z.object({
  inputUsdPerMTok: z.number().nonnegative().max(10_000),
  outputUsdPerMTok: z.number().nonnegative().max(10_000),
});

export const Runner = z.object({
  id,
  name: z.string(),
  pool: z.string(),
  labels: z.array(z.string()),
  executors: z.array(z.string()),
  protocolVersion: z.number().int().nullable(),
  online: z.boolean(),
  slots: z.number().int().nullable(),
  activeRuns: z.array(z.string()),
  /** How an online runner seals its attempts (issue 10): `none` is a runner started with --no-sandbox; null offline or unknown. */
  sandbox: SandboxMode.nullable(),
  /**
   * Last time this runner's credential was presented from two places (issue 11): a copy of its
   * state file connected, or the runner came back with a credential a copy had already replaced.
   */
  credentialConflictAt: z.number().nullable(),
  lastSeenAt: z.number().nullable(),
  createdAt: z.number(),
});
export type Runner = z.infer<typeof Runner>;

export const RegistrationToken = z.object({
  id,
  pool: z.string(),
  expiresAt: z.number(),
  createdAt: z.number(),
  /** Present only in the response that created it. */
  token: z.string().optional(),
});
export type RegistrationToken = z.infer<typeof RegistrationToken>;

export const RegisterRunnerResponse = z.object({ runnerId: id, credential: z.string(), pool: z.string() });
export type RegisterRunnerResponse = z.infer<typeof RegisterRunnerResponse>;
