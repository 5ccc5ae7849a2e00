/**
 * Creates the fake's state (the one app with its RSA key, the one installation, repos, tokens)
 * and answers who may see what: installation tokens see the installed repos they were created
 * for (token-scope.ts), PATs see every repo, the app JWT sees installed repos (for
 * `GET /repos/{o}/{r}/installation`).
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { GitServer } from '../git-server.ts';
import { PERMISSIONS } from './shapes-repo.ts';
import { covers } from './token-scope.ts';
import type { Actor, Principal, RepoRec, Store, TokenScope } from './types.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** GitHub-style token: prefix + 36 alphanumerics (`ghs_…` installation, `ghp_…` personal). */
export function randomToken(prefix: string, length = 36): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export function createStore(opts: { origin: string; git: GitServer; ttlMs: number }): Store {
  // GitHub hands out PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"); generated once per fake (~50 ms).
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  let id = 1000;
  const nextId = () => ++id;
  const actors = new Map<string, Actor>();
  const actor = (login: string, type: Actor['type'] = 'User'): Actor => {
    let a = actors.get(login.toLowerCase());
    if (!a) actors.set(login.toLowerCase(), (a = { login, id: nextId(), type }));
    return a;
  };
  const appId = 100_000 + (randomBytes(2).readUInt16BE(0) % 50_000);
  const slug = 'dursor-test';
  const now = Date.now();
  return {
    app: {
      id: appId, slug, name: 'dursor test', owner: actor('octo-org', 'Organization'), privateKeyPem: privateKey,
      publicKey: createPublicKey(privateKey), webhookSecret: randomToken('whsec_', 24),
      clientId: randomToken('Iv1.', 16), clientSecret: randomToken('', 40), createdAt: now,
    },
    bot: actor(`${slug}[bot]`, 'Bot'),
    installation: {
      id: 40_000_000 + (randomBytes(2).readUInt16BE(0) % 9999), account: actor('octo-org', 'Organization'), createdAt: now,
      permissions: { ...PERMISSIONS },
    },
    repos: new Map(),
    tokens: new Map(),
    issuedTokens: [],
    ttlMs: opts.ttlMs,
    manifestCodes: new Map(),
    manifests: [],
    api: opts.origin,
    web: opts.origin,
    git: opts.git,
    nextId,
    actor,
  };
}

/** The principal a bearer/token credential stands for, or null when unknown or expired. */
export function tokenPrincipal(store: Store, token: string): Principal | null {
  const rec = store.tokens.get(token);
  if (!rec) return null;
  if (rec.kind === 'pat') return { kind: 'pat', token, user: rec.user };
  return Date.now() < rec.expiresAt ? { kind: 'installation', token, repoIds: rec.repoIds, permissions: rec.permissions } : null;
}

export function canSee(principal: Principal | null, repo: RepoRec): boolean {
  if (!principal) return false;
  if (principal.kind === 'pat') return true;
  return principal.kind === 'installation' ? covers(principal, repo) : repo.installed;
}

export function findRepo(store: Store, owner: string, name: string): RepoRec | undefined {
  return store.repos.get(`${owner}/${name.replace(/\.git$/, '')}`.toLowerCase());
}

export function repoOrThrow(store: Store, fullName: string): RepoRec {
  const repo = store.repos.get(fullName.toLowerCase());
  if (!repo) throw new Error(`fake-github: no repo ${fullName}`);
  return repo;
}

/** Who writes as a principal: the app's bot with installation tokens, the PAT's user otherwise. */
export function actorOf(store: Store, principal: Principal | null): Actor {
  if (principal?.kind === 'pat') return principal.user;
  return store.bot;
}

export function issueInstallationToken(store: Store, scope: TokenScope): { token: string; expiresAt: number } {
  const token = randomToken('ghs_');
  const expiresAt = Date.now() + store.ttlMs;
  store.tokens.set(token, { kind: 'installation', expiresAt, ...scope });
  const repositories = scope.repoIds && [...store.repos.values()].filter((r) => scope.repoIds!.includes(r.id)).map((r) => r.fullName);
  store.issuedTokens.push({ token, expiresAt, repositories, permissions: scope.permissions });
  return { token, expiresAt };
}

/** A one-time code for POST /app-manifests/{code}/conversions, optionally tied to a posted manifest. */
export function newManifestCode(store: Store, manifest: Record<string, unknown> | null = null): string {
  const code = randomToken('', 20).toLowerCase();
  store.manifestCodes.set(code, manifest);
  return code;
}
