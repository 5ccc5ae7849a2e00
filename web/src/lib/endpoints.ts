/**
 * Typed calls for every /v1 route the web app uses (protocol/README.md route table). Response
 * envelopes are zod objects built from the protocol's response schemas, so each reply is parsed
 * before the UI sees it. Request bodies are typed from the protocol's request schemas.
 */
import { z } from 'zod';
import {
  AllowedGitHubLogin, AuthState, ChooseWinnerRequest, CreateModelProfileRequest, CreatePullRequestRequest, CreatePullRequestResponse,
  CreateRepoRequest, UpdateRepoRequest, CreateTaskRequest, GitHubBranch, GitHubConnection, GitHubIssueChoice, GitHubManifestRequest,
  GitHubManifestResponse, GitHubRepoChoice, LoginRequest, Message, ModelPrice, ApiToken, BudgetSettings, SpendSummary, ChangePasswordRequest, CreateApiTokenRequest, ModelProfile, ModelProfileTest, PullRequest,
  PullRequestDraft, PullRequestDraftRequest, PutGitHubConnectionRequest, PutModelPriceRequest, RegistrationToken, Repo,
  Run, Runner, SetupRequest, Task, UpdatePullRequestRequest, UpdatePullRequestResponse, UrlPolicy, User,
} from '../../../protocol/src/index.ts';
import type { CreateRunsRequest } from '../../../protocol/src/index.ts';
import { request } from './api.ts';

const Ok = z.object({ ok: z.literal(true) });
const UserEnvelope = z.object({ user: User });
const TaskDetail = z.object({ task: Task, messages: z.array(Message), runs: z.array(Run) });
export type TaskDetail = z.infer<typeof TaskDetail>;

type In<S extends z.ZodType> = z.input<S>;

export const api = {
  authState: () => request('GET', '/v1/auth/state', AuthState),
  setup: (body: In<typeof SetupRequest>) => request('POST', '/v1/auth/setup', UserEnvelope, { body }),
  login: (body: In<typeof LoginRequest>) => request('POST', '/v1/auth/login', UserEnvelope, { body }),
  logout: () => request('POST', '/v1/auth/logout', Ok),
  getBudgets: () => request('GET', '/v1/settings/budgets', z.object({ budgets: BudgetSettings, spend: SpendSummary })),
  putBudgets: (body: BudgetSettings) => request('PUT', '/v1/settings/budgets', z.object({ budgets: BudgetSettings }), { body }),
  getUrlPolicy: () => request('GET', '/v1/settings/url-policy', z.object({ urlPolicy: UrlPolicy })),
  changePassword: (body: In<typeof ChangePasswordRequest>) => request('POST', '/v1/auth/password', Ok, { body }),
  listApiTokens: () => request('GET', '/v1/auth/tokens', z.object({ tokens: z.array(ApiToken) })),
  createApiToken: (body: In<typeof CreateApiTokenRequest>) =>
    request('POST', '/v1/auth/tokens', z.object({ id: z.string(), name: z.string(), token: z.string() }), { body }),
  revokeApiToken: (id: string) => request('DELETE', `/v1/auth/tokens/${enc(id)}`, Ok),

  listModelProfiles: () =>
    request('GET', '/v1/model-profiles', z.object({ modelProfiles: z.array(ModelProfile) })),
  createModelProfile: (body: In<typeof CreateModelProfileRequest>) =>
    request('POST', '/v1/model-profiles', z.object({ modelProfile: ModelProfile }), { body }),
  deleteModelProfile: (id: string) => request('DELETE', `/v1/model-profiles/${enc(id)}`, Ok),
  testModelProfile: (id: string) =>
    request('POST', `/v1/model-profiles/${enc(id)}/test`, z.object({ test: ModelProfileTest }), { body: {} }),

  listRepos: () => request('GET', '/v1/repos', z.object({ repos: z.array(Repo) })),
  createRepo: (body: In<typeof CreateRepoRequest>) =>
    request('POST', '/v1/repos', z.object({ repo: Repo }), { body }),
  deleteRepo: (id: string) => request('DELETE', `/v1/repos/${enc(id)}`, Ok),
  updateRepo: (id: string, body: In<typeof UpdateRepoRequest>) =>
    request('PATCH', `/v1/repos/${enc(id)}`, z.object({ repo: Repo }), { body }),

  listTasks: () => request('GET', '/v1/tasks', z.object({ tasks: z.array(Task) })),
  createTask: (body: In<typeof CreateTaskRequest>, idempotencyKey: string) =>
    request('POST', '/v1/tasks', z.object({ task: Task, message: Message }), { body, idempotencyKey }),
  getTask: (id: string, signal?: AbortSignal) => request('GET', `/v1/tasks/${enc(id)}`, TaskDetail, { signal }),
  createRuns: (taskId: string, body: CreateRunsRequest, idempotencyKey: string) =>
    request('POST', `/v1/tasks/${enc(taskId)}/runs`, z.object({ runs: z.array(Run), message: Message }), { body, idempotencyKey }),

  getRun: (id: string) => request('GET', `/v1/runs/${enc(id)}`, z.object({ run: Run })),
  cancelRun: (id: string) => request('POST', `/v1/runs/${enc(id)}/cancel`, z.object({ run: Run })),

  listRunners: () => request('GET', '/v1/runners', z.object({ runners: z.array(Runner) })),
  listPrices: () => request('GET', '/v1/prices', z.object({ prices: z.array(ModelPrice) })),
  putPrice: (provider: string, model: string, body: In<typeof PutModelPriceRequest>) =>
    request('PUT', `/v1/prices/${enc(provider)}/${enc(model)}`, z.object({ price: ModelPrice }), { body }),
  deletePrice: (provider: string, model: string) => request('DELETE', `/v1/prices/${enc(provider)}/${enc(model)}`, Ok),

  removeRunner: (id: string) => request('DELETE', `/v1/runners/${enc(id)}`, Ok),
  createRegistrationToken: () =>
    request('POST', '/v1/runners/registration-tokens', z.object({ registrationToken: RegistrationToken }), { body: {} }),

  // GitHub: the connection (secrets go in, never come back), pickers, pull requests, the winner.
  getGitHubConnection: () => request('GET', '/v1/github/connection', z.object({ connection: GitHubConnection.nullable() })),
  putGitHubConnection: (body: In<typeof PutGitHubConnectionRequest>) =>
    request('PUT', '/v1/github/connection', z.object({ connection: GitHubConnection }), { body }),
  deleteGitHubConnection: () => request('DELETE', '/v1/github/connection', Ok),
  startGitHubManifest: (body: In<typeof GitHubManifestRequest>) =>
    request('POST', '/v1/github/manifest', GitHubManifestResponse, { body }),
  listGitHubRepos: () => request('GET', '/v1/github/repos', z.object({ repos: z.array(GitHubRepoChoice) })),
  // Who may start runs from @dursor comments besides people with write access (issue "Seal every attempt").
  listGitHubAllowlist: () => request('GET', '/v1/github/allowlist', z.object({ logins: z.array(AllowedGitHubLogin) })),
  allowGitHubLogin: (login: string) => request('PUT', `/v1/github/allowlist/${enc(login)}`, z.object({ login: AllowedGitHubLogin })),
  disallowGitHubLogin: (login: string) => request('DELETE', `/v1/github/allowlist/${enc(login)}`, Ok),
  listBranches: (repoId: string, signal?: AbortSignal) =>
    request('GET', `/v1/repos/${enc(repoId)}/branches`, z.object({ branches: z.array(GitHubBranch) }), { signal }),
  listIssues: (repoId: string, signal?: AbortSignal) =>
    request('GET', `/v1/repos/${enc(repoId)}/issues`, z.object({ issues: z.array(GitHubIssueChoice) }), { signal }),

  getPr: (taskId: string, signal?: AbortSignal) =>
    request('GET', `/v1/tasks/${enc(taskId)}/pr`, z.object({ pr: PullRequest.nullable() }), { signal }),
  draftPr: (taskId: string, body: In<typeof PullRequestDraftRequest>) =>
    request('POST', `/v1/tasks/${enc(taskId)}/pr/draft`, z.object({ draft: PullRequestDraft }), { body }),
  createPr: (taskId: string, body: In<typeof CreatePullRequestRequest>, idempotencyKey?: string) =>
    request('POST', `/v1/tasks/${enc(taskId)}/pr`, CreatePullRequestResponse, { body, idempotencyKey }),
  updatePr: (taskId: string, body: In<typeof UpdatePullRequestRequest>) =>
    request('POST', `/v1/tasks/${enc(taskId)}/pr/update`, UpdatePullRequestResponse, { body }),
  refreshPr: (taskId: string) =>
    request('POST', `/v1/tasks/${enc(taskId)}/pr/refresh`, z.object({ pr: PullRequest.nullable() })),
  chooseWinner: (taskId: string, body: In<typeof ChooseWinnerRequest>) =>
    request('POST', `/v1/tasks/${enc(taskId)}/winner`, z.object({ task: Task }), { body }),
};

function enc(id: string): string {
  return encodeURIComponent(id);
}
