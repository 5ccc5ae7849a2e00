/**
 * `startFakeGitHub()`: a fake GitHub REST v3 API (and its web pages) on 127.0.0.1 that the real
 * `@octokit/core` / `@octokit/app` talk to through `baseUrl`, backed by a testkit git server
 * whose bare repos hold the real refs and commits (GitHub `owner/name` = git repo `owner--name`)
 * and which only accepts tokens this fake issued (installation tokens until they expire, PATs).
 * This module wires the pieces and holds the test-side handle; routes live in routes-*.ts.
 */
import { join } from 'node:path';
import { startFakeServer, type RecordedRequest } from '../fake-http.ts';
import { startGitServer, type GitServer } from '../git-server.ts';
import { gitAuth } from './auth.ts';
import { pullsOf, setPullState as applyPullState, headSha, type PullIssue } from './pull-state.ts';
import { createHandler, sendError } from './router.ts';
import { appRoutes } from './routes-app.ts';
import { collaboratorRoutes } from './routes-collaborators.ts';
import { issueRoutes } from './routes-issues.ts';
import { pullRoutes } from './routes-pulls.ts';
import { refRoutes } from './routes-refs.ts';
import { repoRoutes } from './routes-repo.ts';
import { createStore, newManifestCode, randomToken, repoOrThrow } from './store.ts';
import { GhError, type CheckRunRec, type IssuedToken, type RepoRec, type RepoRole, type StatusRec, type Store } from './types.ts';
import { createWebhooks, type FakeWebhooks } from './webhooks.ts';

export type { CheckRunRec as FakeCheckRun, IssuedToken as FakeIssuedToken, RepoRole as FakeRepoRole, StatusRec as FakeStatus } from './types.ts';
export type { FakeWebhooks, WebhookPayload } from './webhooks.ts';

export interface FakeGitHubOptions { installationTokenTtlMs?: number }

export interface FakePull {
  number: number; title: string; body: string | null; state: 'open' | 'closed'; merged: boolean; mergedAt: number | null;
  draft: boolean; user: string; head: { ref: string; sha: string }; base: { ref: string };
}

export interface FakeGitHub {
  /** API base URL (octokit `baseUrl`), e.g. http://127.0.0.1:P. */
  url: string;
  /** Web root for html_url pages (same server). */
  webUrl: string;
  git: GitServer;
  /** Every API/web request; the authorization header is reduced to its scheme. */
  requests: RecordedRequest[];
  app: { id: number; slug: string; botLogin: string; privateKeyPem: string; webhookSecret: string; clientId: string; clientSecret: string };
  installationId: number;
  /** Every installation token, with the repositories (full names; null: all) and permissions it was narrowed to. */
  issuedTokens: IssuedToken[];
  /** Manifests posted to the web form target `/settings/apps/new`. */
  manifests: Array<Record<string, unknown>>;
  webhook: FakeWebhooks;
  createRepo(fullName: string, files: Record<string, string>, opts?: { defaultBranch?: string; private?: boolean; installed?: boolean }): Promise<{ cloneUrl: string; htmlUrl: string }>;
  addPat(token?: string, login?: string): string;
  /** Gives `login` a role in the repo (null removes it); the owner is admin, others read a public repo and see no private one. */
  setCollaborator(fullName: string, login: string, role: RepoRole | null): void;
  setInstallationTokenTtl(ms: number): void;
  createIssue(fullName: string, issue: { title: string; body?: string; user?: string }): number;
  pulls(fullName: string): FakePull[];
  comments(fullName: string, number: number): Array<{ body: string; user: string }>;
  pushExternalCommit(fullName: string, branch: string, files: Record<string, string | null>): Promise<string>;
  setPullState(fullName: string, number: number, state: 'open' | 'closed' | 'merged'): void;
  addCheckRun(fullName: string, sha: string, run: { name: string; status?: string; conclusion?: string | null; html_url?: string }): CheckRunRec;
  addStatus(fullName: string, sha: string, s: { context: string; state: string; target_url?: string; description?: string }): StatusRec;
  manifestCode(): string;
  close(): Promise<void>;
}

/** Owners whose web pages would shadow API paths. */
const RESERVED = new Set(['app', 'apps', 'app-manifests', 'installation', 'user', 'users', 'orgs', 'organizations', 'repos', 'settings', 'avatars']);

function pullOf(repo: RepoRec, number: number): PullIssue {
  const issue = repo.issues.get(number);
  if (!issue?.pull) throw new Error(`fake-github: no pull request #${number} in ${repo.fullName}`);
  return issue as PullIssue;
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  let store: Store | undefined;
  const git = await startGitServer({ auth: (_user, password, repo, service) => store !== undefined && gitAuth(store, password, repo, service) });
  const requests: RecordedRequest[] = [];
  let handle: ReturnType<typeof createHandler> | undefined;
  const server = await startFakeServer(requests, (call) => handle?.(call), (res, status, message) => {
    for (const r of requests) if (r.headers.authorization) r.headers.authorization = r.headers.authorization.trim().split(/\s+/)[0];
    sendError(res, new GhError(status, message));
  });
  const s = createStore({ origin: server.origin, git, ttlMs: opts.installationTokenTtlMs ?? 3_600_000 });
  store = s;
  handle = createHandler(s, [...appRoutes, ...repoRoutes, ...refRoutes, ...pullRoutes, ...issueRoutes, ...collaboratorRoutes]);

  return {
    url: s.api,
    webUrl: s.web,
    git,
    requests,
    app: { id: s.app.id, slug: s.app.slug, botLogin: s.bot.login, privateKeyPem: s.app.privateKeyPem, webhookSecret: s.app.webhookSecret, clientId: s.app.clientId, clientSecret: s.app.clientSecret },
    installationId: s.installation.id,
    issuedTokens: s.issuedTokens,
    manifests: s.manifests,
    webhook: createWebhooks(s),
    async createRepo(fullName, files, o = {}) {
      const m = /^([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,80})$/.exec(fullName);
      if (!m || m[2].endsWith('.git') || m[2].startsWith('.') || RESERVED.has(m[1].toLowerCase())) throw new Error(`fake-github: bad repo name ${fullName}`);
      if (s.repos.has(fullName.toLowerCase())) throw new Error(`fake-github: ${fullName} exists`);
      const flat = `${m[1]}--${m[2]}`;
      const defaultBranch = o.defaultBranch ?? 'main';
      const cloneUrl = await git.createRepo(flat, files, { branch: defaultBranch });
      const installed = o.installed ?? true;
      if (installed && ![...s.repos.values()].some((r) => r.installed)) s.installation.account = s.actor(m[1], 'Organization');
      const now = Date.now();
      s.repos.set(fullName.toLowerCase(), {
        id: s.nextId(), owner: s.actor(m[1], 'Organization'), name: m[2], fullName, flat, bare: join(git.root, `${flat}.git`), cloneUrl,
        private: o.private ?? false, installed, defaultBranch, createdAt: now, pushedAt: now, nextNumber: 1, issues: new Map(), checkRuns: [], statuses: [],
        collaborators: new Map(),
      });
      return { cloneUrl, htmlUrl: `${s.web}/${fullName}` };
    },
    addPat(token = randomToken('ghp_'), login = 'octocat') {
      s.tokens.set(token, { kind: 'pat', user: s.actor(login) });
      return token;
    },
    setCollaborator(fullName, login, role) {
      const repo = repoOrThrow(s, fullName);
      if (role) repo.collaborators.set(login.toLowerCase(), role);
      else repo.collaborators.delete(login.toLowerCase());
    },
    setInstallationTokenTtl(ms) {
      s.ttlMs = ms;
    },
    createIssue(fullName, { title, body, user = 'octocat' }) {
      const repo = repoOrThrow(s, fullName);
      const now = Date.now();
      const number = repo.nextNumber++;
      repo.issues.set(number, { id: s.nextId(), number, title, body: body ?? null, state: 'open', user: s.actor(user), createdAt: now, updatedAt: now, closedAt: null, comments: [], pull: null });
      return number;
    },
    pulls(fullName) {
      const repo = repoOrThrow(s, fullName);
      return pullsOf(repo).sort((a, b) => a.number - b.number).map((p) => ({
        number: p.number, title: p.title, body: p.body, state: p.state, merged: p.pull.merged, mergedAt: p.pull.mergedAt, draft: p.pull.draft,
        user: p.user.login, head: { ref: p.pull.headRef, sha: headSha(repo, p) }, base: { ref: p.pull.baseRef },
      }));
    },
    comments(fullName, number) {
      const issue = repoOrThrow(s, fullName).issues.get(number);
      return (issue?.comments ?? []).map((c) => ({ body: c.body, user: c.user.login }));
    },
    async pushExternalCommit(fullName, branch, files) {
      const repo = repoOrThrow(s, fullName);
      const sha = await git.commitFiles(repo.flat, files, { branch, message: 'external commit' });
      repo.pushedAt = Date.now();
      return sha;
    },
    setPullState(fullName, number, state) {
      const repo = repoOrThrow(s, fullName);
      applyPullState(repo, pullOf(repo, number), state);
    },
    addCheckRun(fullName, sha, run) {
      const status = run.status ?? 'completed';
      const now = Date.now();
      const rec: CheckRunRec = {
        id: s.nextId(), name: run.name, headSha: sha, status, conclusion: run.conclusion ?? null, htmlUrl: run.html_url ?? null,
        startedAt: now, completedAt: status === 'completed' ? now : null,
      };
      repoOrThrow(s, fullName).checkRuns.push(rec);
      return rec;
    },
    addStatus(fullName, sha, st) {
      const rec: StatusRec = {
        id: s.nextId(), sha, context: st.context, state: st.state, targetUrl: st.target_url ?? null, description: st.description ?? null,
        createdAt: Date.now(), creator: s.actor('octocat'),
      };
      repoOrThrow(s, fullName).statuses.push(rec);
      return rec;
    },
    manifestCode: () => newManifestCode(s),
    async close() {
      await server.close();
      await git.close();
    },
  };
}
