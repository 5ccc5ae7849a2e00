/**
 * D1 schema (drizzle). D1 holds what is listed and searched; each task's live state and event
 * log live in its TaskRoom DO. Timestamps are integer milliseconds since the epoch.
 * After editing: `npm run db:generate` writes the next flat migration into migrations/.
 */
import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { AttemptSandbox } from '../../../protocol/src/index.ts';

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  passwordSalt: text('password_salt').notNull(),
  role: text('role', { enum: ['owner', 'member'] }).notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('users_email').on(t.email)]);

export const sessions = sqliteTable('sessions', {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: integer('expires_at').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  lastUsedAt: integer('last_used_at'),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)]);

export const modelProfiles = sqliteTable('model_profiles', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  provider: text('provider', { enum: ['openai', 'openai-compatible', 'anthropic', 'google', 'cursor'] }).notNull(),
  model: text('model').notNull(),
  displayName: text('display_name').notNull(),
  baseUrl: text('base_url'),
  /** AES-GCM ciphertext of the API key: base64(iv ‖ ciphertext). */
  apiKeyEnc: text('api_key_enc').notNull(),
  keyHint: text('key_hint').notNull(),
  /** openai / openai-compatible: 'chat' (default) or 'responses'. */
  wireApi: text('wire_api', { enum: ['chat', 'responses'] }),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('model_profiles_user').on(t.userId)]);

export const repos = sqliteTable('repos', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  cloneUrl: text('clone_url').notNull(),
  defaultBranch: text('default_branch').notNull(),
  displayName: text('display_name').notNull(),
  /** owner/name when the repo was registered through the GitHub connection (clone and push use it). */
  githubFullName: text('github_full_name'),
  githubInstallationId: integer('github_installation_id'),
  htmlUrl: text('html_url'),
  /** What its attempts' sandboxes let through beyond the runner's defaults (hosts, caps); null = defaults (issue 10). */
  sandbox: text('sandbox', { mode: 'json' }).$type<AttemptSandbox>(),
  /** Its runs may change `.github/workflows/` (issue 11): off by default, a workflow runs with the repo's CI secrets. */
  allowWorkflowChanges: integer('allow_workflow_changes', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('repos_user').on(t.userId), index('repos_github').on(t.githubFullName)]);

export const tasks = sqliteTable('tasks', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  repoId: text('repo_id').notNull().references(() => repos.id),
  baseRef: text('base_ref').notNull(),
  title: text('title').notNull(),
  /** From its runs (TaskRoom's D1 sync): done = one succeeded; cancelled = all were cancelled; else failed. */
  status: text('status', { enum: ['idle', 'running', 'done', 'failed', 'cancelled'] }).notNull(),
  /** Spend cap in micro-dollars (1e-6 USD); null = none. Usage columns are summed by the gateway. */
  budgetMicros: integer('budget_micros'),
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
  costMicros: integer('cost_micros').notNull().default(0),
  /** The GitHub issue the task started from (the PR closes it). */
  issueNumber: integer('issue_number'),
  issueUrl: text('issue_url'),
  issueTitle: text('issue_title'),
  /** The attempt the user chose as the best one. */
  winnerRunId: text('winner_run_id'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('tasks_user_updated').on(t.userId, t.updatedAt)]);

export const messages = sqliteTable('messages', {
  id: text('id').primaryKey(),
  taskId: text('task_id').notNull().references(() => tasks.id, { onDelete: 'cascade' }),
  role: text('role', { enum: ['user', 'assistant', 'system'] }).notNull(),
  content: text('content').notNull(),
  runId: text('run_id'),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('messages_task').on(t.taskId, t.createdAt)]);

export const runs = sqliteTable('runs', {
  id: text('id').primaryKey(),
  taskId: text('task_id').notNull().references(() => tasks.id, { onDelete: 'cascade' }),
  messageId: text('message_id').notNull(),
  executor: text('executor').notNull(),
  modelProfileId: text('model_profile_id'),
  attempt: integer('attempt').notNull(),
  status: text('status').notNull(),
  branch: text('branch').notNull(),
  baseCommit: text('base_commit'),
  headCommit: text('head_commit'),
  filesChanged: integer('files_changed').notNull().default(0),
  additions: integer('additions').notNull().default(0),
  deletions: integer('deletions').notNull().default(0),
  /** JSON array of FileChange. */
  files: text('files').notNull().default('[]'),
  patch: text('patch'),
  summary: text('summary'),
  error: text('error'),
  runnerId: text('runner_id'),
  retries: integer('retries').notNull().default(0),
  /** The run this one continues (its branch head is the base; its agent session is resumed). */
  parentRunId: text('parent_run_id'),
  /** The run this one retries (same message, the next attempt number of its round). */
  retryOfRunId: text('retry_of_run_id'),
  /** The executor's own session id (CLI agents), for resuming in a follow-up. */
  agentSession: text('agent_session'),
  budgetMicros: integer('budget_micros'),
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
  costMicros: integer('cost_micros').notNull().default(0),
  /** First streamed text or tool call of the current assignment (time to first token). */
  firstTokenAt: integer('first_token_at'),
  createdAt: integer('created_at').notNull(),
  startedAt: integer('started_at'),
  finishedAt: integer('finished_at'),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('runs_task').on(t.taskId, t.createdAt)]);

export const runners = sqliteTable('runners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  pool: text('pool').notNull(),
  labels: text('labels').notNull().default('[]'),
  executors: text('executors').notNull().default('[]'),
  protocolVersion: integer('protocol_version'),
  /** The runner's current credential (README in worker/src/runner-pool: credential rotation). */
  credentialHash: text('credential_hash').notNull(),
  /** Issued on the open pool connection, not yet confirmed saved by the runner. */
  pendingCredentialHash: text('pending_credential_hash'),
  /** The credential the last confirmed rotation retired: presenting it again is a conflict. */
  previousCredentialHash: text('previous_credential_hash'),
  /** Set when that rotation's connection replaced a live one of this runner (a takeover): the replaced one may win back. */
  credentialTakenOverAt: integer('credential_taken_over_at'),
  /** Last time the credential was presented from two places (shown to the owner). */
  credentialConflictAt: integer('credential_conflict_at'),
  createdBy: text('created_by').notNull(),
  lastSeenAt: integer('last_seen_at'),
  createdAt: integer('created_at').notNull(),
}, (t) => [
  uniqueIndex('runners_credential').on(t.credentialHash),
  uniqueIndex('runners_pending_credential').on(t.pendingCredentialHash),
  uniqueIndex('runners_previous_credential').on(t.previousCredentialHash),
]);

export const registrationTokens = sqliteTable('registration_tokens', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  pool: text('pool').notNull(),
  createdBy: text('created_by').notNull().references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: integer('expires_at').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('registration_tokens_hash').on(t.tokenHash)]);

/** Idempotency-Key records: the first response to (user, key) is replayed for every repeat. */
export const idempotencyKeys = sqliteTable('idempotency_keys', {
  userId: text('user_id').notNull(),
  key: text('key').notNull(),
  /** METHOD + path the key was first used with; reuse on another route is a 422. */
  route: text('route').notNull(),
  /** SHA-256 of the first request's body; a repeat with another body is a 422. */
  requestHash: text('request_hash'),
  /** null while the first request is still being handled. */
  status: integer('status'),
  body: text('body'),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.key] })]);

/** Editable price table (owner), per provider and model, in micro-dollars per million tokens. */
export const modelPrices = sqliteTable('model_prices', {
  provider: text('provider').notNull(),
  model: text('model').notNull(),
  inputMicrosPerMTok: integer('input_micros_per_mtok').notNull(),
  outputMicrosPerMTok: integer('output_micros_per_mtok').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.provider, t.model] })]);

/** One row per call through the LLM gateway: what the provider reported and what it cost. */
export const llmCalls = sqliteTable('llm_calls', {
  id: text('id').primaryKey(),
  runId: text('run_id').notNull(),
  taskId: text('task_id').notNull(),
  provider: text('provider').notNull(),
  model: text('model').notNull(),
  status: integer('status').notNull(),
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
  costMicros: integer('cost_micros').notNull().default(0),
  /** Time from the request to the provider's first response byte. */
  firstByteMs: integer('first_byte_ms'),
  durationMs: integer('duration_ms'),
  createdAt: integer('created_at').notNull(),
}, (t) => [index('llm_calls_run').on(t.runId), index('llm_calls_task').on(t.taskId)]);

/**
 * A user's GitHub connection: a GitHub App (app id, private key, webhook secret, from the
 * manifest flow or typed in) or a personal access token. Every secret is AES-GCM ciphertext.
 */
export const githubConnections = sqliteTable('github_connections', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['app', 'token'] }).notNull(),
  apiBaseUrl: text('api_base_url').notNull(),
  webUrl: text('web_url').notNull(),
  appId: integer('app_id'),
  appSlug: text('app_slug'),
  account: text('account'),
  privateKeyEnc: text('private_key_enc'),
  webhookSecretEnc: text('webhook_secret_enc'),
  clientSecretEnc: text('client_secret_enc'),
  tokenEnc: text('token_enc'),
  tokenHint: text('token_hint'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [uniqueIndex('github_connections_user').on(t.userId)]);

/** @octokit/auth-app's token cache, kept in D1: installation tokens (encrypted) until shortly before expiry. */
export const githubTokenCache = sqliteTable('github_token_cache', {
  key: text('key').primaryKey(),
  valueEnc: text('value_enc').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** `state` of an app-manifest flow in progress: ties GitHub's redirect back to the user who started it. */
export const githubManifestStates = sqliteTable('github_manifest_states', {
  state: text('state').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  apiBaseUrl: text('api_base_url').notNull(),
  webUrl: text('web_url').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Webhook deliveries already handled (X-GitHub-Delivery): a redelivery starts nothing twice. */
export const githubDeliveries = sqliteTable('github_deliveries', {
  id: text('id').primaryKey(),
  event: text('event').notNull(),
  receivedAt: integer('received_at').notNull(),
});

/** A task's pull request (one per task): its head branch is owned by dursor. */
export const pullRequests = sqliteTable('pull_requests', {
  id: text('id').primaryKey(),
  taskId: text('task_id').notNull().references(() => tasks.id, { onDelete: 'cascade' }),
  repoId: text('repo_id').notNull(),
  /** The attempt whose commits the PR branch holds now. */
  runId: text('run_id').notNull(),
  number: integer('number').notNull(),
  url: text('url').notNull(),
  title: text('title').notNull(),
  branch: text('branch').notNull(),
  baseBranch: text('base_branch').notNull(),
  headSha: text('head_sha').notNull(),
  state: text('state', { enum: ['open', 'closed', 'merged'] }).notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [uniqueIndex('pull_requests_task').on(t.taskId), index('pull_requests_repo_number').on(t.repoId, t.number)]);

/** Check runs and commit statuses GitHub reported for a PR's head. */
export const prChecks = sqliteTable('pr_checks', {
  prId: text('pr_id').notNull().references(() => pullRequests.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['check_run', 'status'] }).notNull(),
  name: text('name').notNull(),
  status: text('status').notNull(),
  conclusion: text('conclusion'),
  url: text('url'),
  headSha: text('head_sha').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.prId, t.kind, t.name] })]);

/**
 * GitHub logins whose `@dursor` comments start rounds even without write access to the repository
 * (Settings → GitHub; issue "Seal every attempt"). `login_key` is the login in lower case: GitHub
 * logins are case-insensitive.
 */
export const githubAllowedLogins = sqliteTable('github_allowed_logins', {
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  loginKey: text('login_key').notNull(),
  login: text('login').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.loginKey] })]);

/**
 * Commenters told on a PR that they may not start runs: once per PR and login, so neither a second
 * comment nor a redelivery makes dursor answer a stranger again (issue "Seal every attempt").
 */
export const githubRefusedCommenters = sqliteTable('github_refused_commenters', {
  prId: text('pr_id').notNull().references(() => pullRequests.id, { onDelete: 'cascade' }),
  loginKey: text('login_key').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.prId, t.loginKey] })]);

/** Per-user defaults: budgets applied to new tasks and attempts that do not name their own. */
export const userSettings = sqliteTable('user_settings', {
  userId: text('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  defaultTaskBudgetMicros: integer('default_task_budget_micros'),
  defaultRunBudgetMicros: integer('default_run_budget_micros'),
  updatedAt: integer('updated_at').notNull(),
});

/** Failed sign-ins per (email, client address): too many in a window lock that pair out for a while. */
export const loginFailures = sqliteTable('login_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  firstAt: integer('first_at').notNull(),
  lockedUntil: integer('locked_until'),
});
