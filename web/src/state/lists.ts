/**
 * The lists several pages share: model profiles (settings, new task, run card names), repos,
 * tasks (sidebar), runners, prices, API tokens, the URL policy, the GitHub connection and its comment allowlist. One Resource each; pages call
 * `ensure()` or `load()`.
 */
import { signal } from '@preact/signals';
import type { AllowedGitHubLogin, ApiToken, GitHubConnection, ModelPrice, ModelProfile, Repo, Runner, Task, UrlPolicy } from '../../../protocol/src/index.ts';
import { api } from '../lib/endpoints.ts';
import { Resource } from '../lib/resource.ts';

export const modelProfiles = new Resource<ModelProfile[]>(async () => (await api.listModelProfiles()).modelProfiles);
export const repos = new Resource<Repo[]>(async () => (await api.listRepos()).repos);
export const tasks = new Resource<Task[]>(async () => (await api.listTasks()).tasks);
export const runners = new Resource<Runner[]>(async () => (await api.listRunners()).runners);
export const prices = new Resource<ModelPrice[]>(async () => (await api.listPrices()).prices);
export const apiTokens = new Resource<ApiToken[]>(async () => (await api.listApiTokens()).tokens);
/** Whether this dursor accepts http / local repository and model URLs (the forms' hints say so). */
export const urlPolicy = new Resource<UrlPolicy>(async () => (await api.getUrlPolicy()).urlPolicy);
/** Wrapped, because a Resource's null data means "not loaded" and null here means "not connected". */
export const githubConnection = new Resource<{ connection: GitHubConnection | null }>(() => api.getGitHubConnection());
/** GitHub logins whose `@dursor` comments start runs without write access (Settings → GitHub). */
export const githubAllowlist = new Resource<AllowedGitHubLogin[]>(async () => (await api.listGitHubAllowlist()).logins);

/**
 * The open task's status as its live events say (task page), so the sidebar does not wait for the
 * next GET /v1/tasks, which reads D1 a moment behind the task's room.
 */
export const openTaskStatus = signal<{ taskId: string; status: Task['status'] } | null>(null);

export function resetLists(): void {
  for (const r of [modelProfiles, repos, tasks, runners, prices, apiTokens, urlPolicy, githubConnection, githubAllowlist] as Resource<unknown>[]) r.reset();
}
