/**
 * REST shapes of dursor's GitHub side (issue 4): the connection (a GitHub App or a personal
 * access token), the repo/branch/issue pickers, pull requests and their checks, and the git
 * credential a runner fetches for a run. Secrets go in, never out: no response carries a token,
 * private key or webhook secret.
 */
import { z } from 'zod';

const httpsUrl = z.string().trim().url().max(500);
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a 40-character commit sha');

// ---------- connection ----------

export const GitHubAppConnectionRequest = z.object({
  kind: z.literal('app'),
  appId: z.number().int().positive(),
  /** The app's private key, PEM (GitHub hands out PKCS#1; PKCS#8 works too). */
  privateKey: z.string().trim().min(100).max(20_000)
    .refine((s) => /-----BEGIN (RSA )?PRIVATE KEY-----/.test(s), 'privateKey: a PEM private key (-----BEGIN RSA PRIVATE KEY-----)'),
  webhookSecret: z.string().min(8, 'webhookSecret: at least 8 characters').max(200),
  slug: z.string().trim().regex(/^[a-z0-9-]{1,100}$/).optional(),
  /** REST API root: https://api.github.com, or a GitHub Enterprise Server's /api/v3. */
  apiBaseUrl: httpsUrl.optional(),
  /** Web root: https://github.com (for compare links and app pages). */
  webUrl: httpsUrl.optional(),
});
export const GitHubTokenConnectionRequest = z.object({
  kind: z.literal('token'),
  token: z.string().trim().min(10).max(500),
  /** Secret of a repository webhook pointing at /v1/github/webhook; without it webhooks are refused. */
  webhookSecret: z.string().min(8, 'webhookSecret: at least 8 characters').max(200).optional(),
  apiBaseUrl: httpsUrl.optional(),
  webUrl: httpsUrl.optional(),
});
export const PutGitHubConnectionRequest = z.discriminatedUnion('kind', [GitHubAppConnectionRequest, GitHubTokenConnectionRequest]);
export type PutGitHubConnectionRequest = z.infer<typeof PutGitHubConnectionRequest>;

/** Starts GitHub's app-manifest flow: the browser POSTs `manifest` to `postUrl`. */
export const GitHubManifestRequest = z.object({
  /** Create the app under this organization instead of the signed-in GitHub user. */
  org: z.string().trim().regex(/^[A-Za-z0-9-]{1,39}$/).optional(),
  apiBaseUrl: httpsUrl.optional(),
  webUrl: httpsUrl.optional(),
});
export const GitHubManifestResponse = z.object({
  postUrl: z.string(),
  /** JSON text of the manifest, the value of the form field `manifest`. */
  manifest: z.string(),
});
export type GitHubManifestResponse = z.infer<typeof GitHubManifestResponse>;

export const GitHubConnection = z.object({
  kind: z.enum(['app', 'token']),
  appId: z.number().int().nullable(),
  appSlug: z.string().nullable(),
  /** The account the token or app belongs to, as GitHub names it. */
  account: z.string().nullable(),
  apiBaseUrl: z.string(),
  webUrl: z.string(),
  /** Where to install the app on more accounts or repositories (apps only). */
  installUrl: z.string().nullable(),
  webhookConfigured: z.boolean(),
  /** Last four characters of a personal access token. */
  tokenHint: z.string().nullable(),
  createdAt: z.number(),
});
export type GitHubConnection = z.infer<typeof GitHubConnection>;

// ---------- who may start rounds from comments ----------

/**
 * A GitHub login as GitHub allows them: 1–39 letters, digits or single hyphens, no hyphen at
 * either end. Allowlisted logins start rounds with `@dursor` comments even without write access
 * to the repository (issue "Seal every attempt").
 */
export const GitHubLogin = z.string().trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'a GitHub login: 1–39 letters, digits or single hyphens, not starting or ending with a hyphen');
export const AllowedGitHubLogin = z.object({ login: z.string(), createdAt: z.number() });
export type AllowedGitHubLogin = z.infer<typeof AllowedGitHubLogin>;

// ---------- pickers ----------

export const GitHubRepoChoice = z.object({
  fullName: z.string(),
  cloneUrl: z.string(),
  htmlUrl: z.string(),
  defaultBranch: z.string(),
  private: z.boolean(),
  /** The app installation that can see it (null with a personal access token). */
  installationId: z.number().int().nullable(),
});
export type GitHubRepoChoice = z.infer<typeof GitHubRepoChoice>;

export const GitHubBranch = z.object({ name: z.string(), sha: z.string() });
export type GitHubBranch = z.infer<typeof GitHubBranch>;

export const GitHubIssueChoice = z.object({
  number: z.number().int(),
  title: z.string(),
  url: z.string(),
  state: z.string(),
});
export type GitHubIssueChoice = z.infer<typeof GitHubIssueChoice>;

/** Register a repository the connection can see (instead of a bare clone URL). */
export const GitHubRepoRef = z.object({
  fullName: z.string().trim().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'fullName: owner/name'),
  installationId: z.number().int().positive().optional(),
});

/** The GitHub side of a registered repo. */
export const RepoGitHub = z.object({
  fullName: z.string(),
  htmlUrl: z.string(),
  installationId: z.number().int().nullable(),
});

/** The GitHub issue a task started from. */
export const TaskIssue = z.object({ number: z.number().int(), url: z.string(), title: z.string() });
export type TaskIssue = z.infer<typeof TaskIssue>;

// ---------- pull requests ----------

export const PullRequestState = z.enum(['open', 'closed', 'merged']);
export type PullRequestState = z.infer<typeof PullRequestState>;

export const PrCheck = z.object({
  kind: z.enum(['check_run', 'status']),
  name: z.string(),
  /** check runs: queued | in_progress | completed; statuses: pending | completed. */
  status: z.string(),
  /** success, failure, neutral, cancelled, skipped, timed_out, action_required, error; null while running. */
  conclusion: z.string().nullable(),
  url: z.string().nullable(),
  headSha: z.string(),
  updatedAt: z.number(),
});
export type PrCheck = z.infer<typeof PrCheck>;

export const PullRequest = z.object({
  id: z.string(),
  taskId: z.string(),
  /** The attempt whose commits the PR branch holds now. */
  runId: z.string(),
  number: z.number().int(),
  url: z.string(),
  title: z.string(),
  /** The PR's head branch, `dursor/pr/<task-id>`, owned by dursor. */
  branch: z.string(),
  baseBranch: z.string(),
  headSha: z.string(),
  state: PullRequestState,
  checks: z.array(PrCheck),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const PullRequestDraftRequest = z.object({ runId: z.string().min(1).max(64) });
export const PullRequestDraft = z.object({
  title: z.string(),
  body: z.string(),
  /** Display name of the model that wrote it; null when written from the task without a model. */
  writtenBy: z.string().nullable(),
  /** Why no model wrote it, when none did. */
  note: z.string().nullable(),
  /** The repository's PR template, when it has one. */
  template: z.string().nullable(),
});
export type PullRequestDraft = z.infer<typeof PullRequestDraft>;

export const CreatePullRequestRequest = z.object({
  runId: z.string().min(1).max(64),
  /** create: open the PR through the API; link: only return GitHub's compare URL. */
  mode: z.enum(['create', 'link']).default('create'),
  title: z.string().trim().min(1).max(256).optional(),
  body: z.string().max(65_000).optional(),
  draft: z.boolean().default(false),
});
export const CreatePullRequestResponse = z.object({
  pr: PullRequest.nullable(),
  /** link mode: where to open the PR by hand. */
  compareUrl: z.string().nullable(),
});
export type CreatePullRequestResponse = z.infer<typeof CreatePullRequestResponse>;

export const UpdatePullRequestRequest = z.object({
  runId: z.string().min(1).max(64),
  /** fast-forward (default): only move forward, merging onto a moved head; replace: reset the branch. */
  mode: z.enum(['fast-forward', 'replace']).default('fast-forward'),
  /** replace only: the head the user last saw; the branch is replaced only if it is still there. */
  expectedHeadSha: sha.optional(),
}).refine((r) => r.mode !== 'replace' || r.expectedHeadSha, {
  message: 'expectedHeadSha: required to replace the PR branch (the head you last saw)', path: ['expectedHeadSha'],
});
export const UpdatePullRequestResponse = z.object({
  pr: PullRequest,
  /** What happened to the PR branch. */
  outcome: z.enum(['fast-forward', 'merged', 'replaced', 'up-to-date']),
});
export type UpdatePullRequestResponse = z.infer<typeof UpdatePullRequestResponse>;

export const ChooseWinnerRequest = z.object({ runId: z.string().min(1).max(64) });

// ---------- runner ----------

/**
 * `GET /v1/git/credential?runId=…&assignment=N`, asked by the runner with its own runner
 * credential (Bearer `drc_…`), never with the run token an agent could hold or learn (issue "Seal
 * every attempt"): the Worker answers only while that assignment of the run is this runner's and
 * active.
 */
export const GitCredentialQuery = z.object({
  runId: z.string().min(1).max(64),
  assignment: z.coerce.number().int().positive(),
});
export type GitCredentialQuery = z.infer<typeof GitCredentialQuery>;

/** What a runner's isomorphic-git `onAuth` gets for a run whose repo needs credentials. */
export const GitCredential = z.object({ username: z.string(), password: z.string() });
export type GitCredential = z.infer<typeof GitCredential>;
