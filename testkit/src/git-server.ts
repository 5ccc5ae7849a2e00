/**
 * Local smart-HTTP git server: every request is handed to `git http-backend` (CGI) over bare
 * repositories in a temp directory, so isomorphic-git and native git clone, fetch and push
 * exactly as they would against a real host. Listens on 127.0.0.1 only.
 * Bare repos get `http.receivepack=true` (push allowed) and HEAD on an existing branch
 * (without it clones fail "Could not find HEAD").
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, writeTree, GIT_ENV } from './git-cli.ts';

export interface GitRequest {
  method: string; path: string; service: string | null;
  /** Basic-auth user name sent, if any (the password is never recorded). */
  username: string | null;
  /** 401: credentials missing or refused by `auth`; 403 / 404: `auth` refused them for this repo or service. */
  status?: number;
}
export interface GitServerOptions {
  /**
   * When set, every request needs HTTP Basic credentials this accepts (like GitHub's
   * `x-access-token:<token>`); others get 401 with `WWW-Authenticate`, which makes
   * isomorphic-git call `onAuth` and native git ask its credential helper. `{ status, message }`
   * refuses valid credentials the way GitHub refuses a token that may not fetch (`service`
   * git-upload-pack) or push (git-receive-pack) here: 403, or 404 for a repo it cannot see.
   */
  auth?: (username: string, password: string, repo: string, service: string | null) => boolean | { status: number; message: string };
}
export interface CreateRepoOptions {
  branch?: string;
  /** Symlinks to put in the repo: path → target (stored as git symlinks). */
  symlinks?: Record<string, string>;
}
export interface GitServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Directory holding the bare repositories (`<name>.git`). */
  root: string;
  /** Every HTTP request served, in order (for "fetched, not cloned" assertions). */
  requests: GitRequest[];
  createRepo(name: string, files: Record<string, string>, opts?: CreateRepoOptions): Promise<string>;
  /** Adds a commit on `branch` (default: the repo's HEAD branch); returns its sha. `null` deletes a file. */
  commitFiles(repo: string, files: Record<string, string | null>, opts?: { branch?: string; message?: string }): Promise<string>;
  readFile(repo: string, ref: string, path: string): Promise<string | null>;
  listBranches(repo: string): Promise<string[]>;
  revParse(repo: string, ref: string): Promise<string | null>;
  diffNames(repo: string, from: string, to: string): Promise<string[]>;
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;

function serveCgi(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const env: Record<string, string> = {
    ...GIT_ENV,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.HTTP_GIT_PROTOCOL = String(req.headers['git-protocol']);

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {});
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    let end = head.indexOf('\r\n\r\n');
    let sep = 4;
    if (end < 0) [end, sep] = [head.indexOf('\n\n'), 2];
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      const key = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + sep));
  });
  child.on('close', (code) => {
    if (!headerDone) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return void res.end(`git http-backend failed (${code}): ${stderr}`);
    }
    res.end();
  });
  res.on('close', () => child.kill());
}

function basicAuth(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const at = text.indexOf(':');
  return at < 0 ? null : { username: text.slice(0, at), password: text.slice(at + 1) };
}

export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), 'dursor-git-'));
  const requests: GitRequest[] = [];
  const heads = new Map<string, string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cred = basicAuth(req.headers.authorization);
    const record: GitRequest = { method: req.method ?? 'GET', path: url.pathname, service: url.searchParams.get('service'), username: cred?.username ?? null };
    requests.push(record);
    if (opts.auth) {
      const repo = decodeURIComponent(url.pathname).split('/').filter(Boolean)[0] ?? '';
      const service = record.service ?? /\/(git-upload-pack|git-receive-pack)$/.exec(url.pathname)?.[1] ?? null;
      const verdict = cred ? opts.auth(cred.username, cred.password, repo.replace(/\.git$/, ''), service) : false;
      if (verdict !== true) {
        const refusal = verdict || { status: 401, message: cred ? 'Invalid username or password.' : 'Authentication required.' };
        record.status = refusal.status;
        req.resume();
        res.writeHead(refusal.status, { ...(refusal.status === 401 ? { 'www-authenticate': 'Basic realm="git"' } : {}), 'content-type': 'text/plain' });
        return void res.end(refusal.message);
      }
    }
    serveCgi(root, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Accepts a repo name (with or without .git) or its clone URL; returns the bare repo dir. */
  const dir = (repo: string): string => {
    let name = repo.startsWith(base) ? repo.slice(base.length + 1) : repo;
    if (!name.endsWith('.git')) name += '.git';
    if (!NAME.test(name)) throw new Error(`git-server: bad repo name ${JSON.stringify(repo)}`);
    return join(root, name);
  };
  const tryGit = async (args: string[]) => {
    const r = await git(args, { allowFail: true });
    return r.code === 0 ? r.stdout : null;
  };

  return {
    url: base,
    root,
    requests,
    async createRepo(name, files, opts = {}) {
      const branch = opts.branch ?? 'main';
      const bare = dir(name);
      await git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
      await git(['-C', bare, 'config', 'http.receivepack', 'true']);
      const work = await mkdtemp(join(tmpdir(), 'dursor-git-work-'));
      try {
        await git(['init', '--quiet', `--initial-branch=${branch}`, work]);
        await writeTree(work, files, opts.symlinks ?? {});
        await git(['-C', work, 'add', '-A']);
        await git(['-C', work, 'commit', '--quiet', '--allow-empty', '-m', 'initial']);
        await git(['-C', work, 'push', '--quiet', bare, `HEAD:refs/heads/${branch}`]);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      heads.set(bare, branch);
      return `${base}/${bare.slice(root.length + 1)}`;
    },
    async commitFiles(repo, files, opts = {}) {
      const bare = dir(repo);
      const branch = opts.branch ?? heads.get(bare) ?? 'main';
      const work = await mkdtemp(join(tmpdir(), 'dursor-git-work-'));
      try {
        await git(['clone', '--quiet', '--branch', branch, bare, work]);
        await writeTree(work, files, {});
        await git(['-C', work, 'add', '-A']);
        await git(['-C', work, 'commit', '--quiet', '--allow-empty', '-m', opts.message ?? 'update']);
        await git(['-C', work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
        return (await git(['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    readFile: (repo, ref, path) => tryGit(['--git-dir', dir(repo), 'show', `${ref}:${path}`]),
    async listBranches(repo) {
      const out = await git(['--git-dir', dir(repo), 'for-each-ref', '--format=%(refname:short)', 'refs/heads']);
      return out.stdout.split('\n').filter(Boolean).sort();
    },
    async revParse(repo, ref) {
      const out = await tryGit(['--git-dir', dir(repo), 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
      return out ? out.trim() : null;
    },
    async diffNames(repo, from, to) {
      const out = await git(['--git-dir', dir(repo), 'diff', '--name-only', from, to]);
      return out.stdout.split('\n').filter(Boolean);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
