/**
 * The fake GitHub's in-memory records (repos, issues and pull requests, comments, checks, tokens)
 * and the request context route handlers get. Git data (refs, commits, files) is not here: it
 * lives in real bare repositories of the testkit git server.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingCall } from '../fake-http.ts';
import type { GitServer } from '../git-server.ts';

export interface Actor { login: string; id: number; type: 'User' | 'Bot' | 'Organization' }

export interface CommentRec { id: number; body: string; user: Actor; createdAt: number; updatedAt: number }

export interface PullRec {
  id: number;
  headRef: string;
  /** Last head sha seen; followed live while the PR is open, frozen once it closes. */
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: number | null;
  mergeCommitSha: string | null;
}

/** An issue, or a pull request (GitHub numbers both from one sequence; a PR is an issue with `pull`). */
export interface IssueRec {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: Actor;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  comments: CommentRec[];
  pull: PullRec | null;
}

export interface CheckRunRec {
  id: number; name: string; headSha: string; status: string; conclusion: string | null;
  htmlUrl: string | null; startedAt: number; completedAt: number | null;
}

export interface StatusRec {
  id: number; sha: string; context: string; state: string; targetUrl: string | null;
  description: string | null; createdAt: number; creator: Actor;
}

export interface RepoRec {
  id: number;
  owner: Actor;
  name: string;
  fullName: string;
  /** Name of the bare repo on the git server: `owner--name`. */
  flat: string;
  /** Path of the bare repository (`<git root>/<flat>.git`). */
  bare: string;
  cloneUrl: string;
  private: boolean;
  installed: boolean;
  defaultBranch: string;
  createdAt: number;
  pushedAt: number;
  nextNumber: number;
  issues: Map<number, IssueRec>;
  checkRuns: CheckRunRec[];
  statuses: StatusRec[];
  /** Lower-case login → repository role; the owner is admin without an entry. */
  collaborators: Map<string, RepoRole>;
}

/** GitHub's repository roles (`role_name`), weakest first. */
export type RepoRole = 'read' | 'triage' | 'write' | 'maintain' | 'admin';

/** A GitHub App permission set: `{ contents: 'write', metadata: 'read', … }`. */
export type Permissions = Record<string, 'read' | 'write'>;

/**
 * What an installation token may do: the repositories it was created for (null: every repo of
 * the installation) and its permissions — from the `POST …/access_tokens` body, as GitHub narrows
 * them (issue "Seal every attempt").
 */
export interface TokenScope { repoIds: number[] | null; permissions: Permissions }

export type TokenRec = ({ kind: 'installation'; expiresAt: number } & TokenScope) | { kind: 'pat'; user: Actor };

/** Who a request authenticated as. */
export type Principal =
  | { kind: 'app' }
  | ({ kind: 'installation'; token: string } & TokenScope)
  | { kind: 'pat'; token: string; user: Actor };

/** An installation token as issued: `repositories` are full names (null: all the installation's). */
export interface IssuedToken { token: string; expiresAt: number; repositories: string[] | null; permissions: Permissions }

export interface AppInfo {
  id: number; slug: string; name: string; owner: Actor; privateKeyPem: string; publicKey: KeyObject;
  webhookSecret: string; clientId: string; clientSecret: string; createdAt: number;
}

export interface Store {
  app: AppInfo;
  /** The app's bot user, `<slug>[bot]`: author of what installation tokens write. */
  bot: Actor;
  installation: { id: number; account: Actor; createdAt: number; permissions: Permissions };
  /** Key: lower-case `owner/name`. */
  repos: Map<string, RepoRec>;
  tokens: Map<string, TokenRec>;
  issuedTokens: IssuedToken[];
  ttlMs: number;
  /** One-time codes for POST /app-manifests/{code}/conversions → the manifest posted with it, if any. */
  manifestCodes: Map<string, Record<string, unknown> | null>;
  manifests: Array<Record<string, unknown>>;
  /** API base URL (= web URL: one server answers both). */
  api: string;
  web: string;
  git: GitServer;
  nextId(): number;
  actor(login: string, type?: Actor['type']): Actor;
}

export interface Ctx {
  store: Store;
  call: IncomingCall;
  /** Decoded path captures after `owner` and `repo` for repo routes, all captures otherwise. */
  params: string[];
  query: Record<string, string>;
  body: Record<string, unknown>;
  principal: Principal | null;
  /** Set for `/repos/{owner}/{repo}/…` routes, after the visibility check. */
  repo: RepoRec;
  /** Extra response headers (Link, Location). */
  headers: Record<string, string>;
}

export interface Reply { status: number; body?: unknown }

/** app: an app JWT; token: installation token or PAT; installation / user: only that kind; none: no auth. */
export type AuthKind = 'none' | 'app' | 'token' | 'installation' | 'user';

export interface Route {
  method: string;
  /** Matched against the raw (still percent-encoded) path; captures are decoded. */
  path: RegExp;
  auth: AuthKind;
  /** The first two captures are owner and repo: resolved to `ctx.repo` or 404. */
  repo?: boolean;
  /**
   * The permission an installation token needs (any one entry suffices; write includes read), or
   * 403 `Resource not accessible by integration`, as GitHub answers. PATs are not limited.
   */
  needs?: Permissions;
  handle(ctx: Ctx): Promise<Reply> | Reply;
}

/** An error answered the way GitHub does: `{ message, documentation_url, errors?, status }`. */
export class GhError extends Error {
  status: number;
  errors: unknown[] | undefined;
  /** Extra response headers (`x-accepted-github-permissions`). */
  headers: Record<string, string> = {};
  constructor(status: number, message: string, errors?: unknown[]) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

export const notFound = (): GhError => new GhError(404, 'Not Found');
export const validation = (...errors: unknown[]): GhError => new GhError(422, 'Validation Failed', errors);
