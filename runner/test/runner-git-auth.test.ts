import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectCleanLog, startHarness, type Harness } from './harness.ts';
import { fetchGitCredential } from '../src/git/credentials.ts';
import { GitAuthError } from '../src/workspace/git-errors.ts';
import { Redactor } from '../src/log.ts';

/**
 * Runs against a git server that requires HTTP Basic credentials: the runner asks the fake Worker's
 * `GET /v1/git/credential` from isomorphic-git's onAuth / onAuthFailure, per network call.
 */
describe('runner: git credentials from the Worker (repo.credentials = worker)', () => {
  let h: Harness;
  /** Per repo: which Basic credentials the git server accepts right now. */
  const accept = new Map<string, (user: string, pass: string) => boolean>();
  /** Every credential value handed out in this file: none may show up in logs, events or results. */
  const secrets: string[] = [];
  const token = (label: string) => {
    const t = `ghs_${label}_${randomBytes(12).toString('hex')}`;
    secrets.push(t);
    return t;
  };
  const editScenario = (match: string) => h.provider.addScenario({ match, turns: [
    { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: `${match}\n` } }] },
    { text: 'done' },
  ] });
  const requestsOf = (repo: string) => h.gitServer.requests.filter((r) => r.path.startsWith(`/${repo}.git/`));

  beforeAll(async () => {
    h = await startHarness({ gitServerOptions: { auth: (user, pass, repo) => accept.get(repo)?.(user, pass) ?? false } });
  });
  afterAll(() => h.close());

  it('clones and pushes through a remote that needs credentials, asking the Worker at each network call', async () => {
    const A = token('a');
    accept.set('secure', (u, p) => u === 'x-access-token' && p === A);
    const url = await h.gitServer.createRepo('secure', { 'a.txt': 'one\n' });
    h.worker.setGitCredential('run_auth_1', () => ({ username: 'x-access-token', password: A }));
    editScenario('auth-one');
    const a = h.worker.assign({ cloneUrl: url, instruction: 'auth-one please', runId: 'run_auth_1', credentials: 'worker' });
    const result = await h.result(a.runId);
    await h.idle();

    expect(result).toMatchObject({ outcome: 'succeeded', branch: a.branch });
    expect(result.headCommit).toBe(await h.gitServer.revParse('secure', a.branch));
    expect(await h.gitServer.readFile('secure', a.branch, 'a.txt')).toBe('auth-one\n');
    expect(h.worker.gitCredentialCalls(a.runId)).toBe(2); // the clone's onAuth, the push's onAuth
    expectCleanLog(h.worker.runs.get(a.runId)!);
    // The only refusals were the first, credential-less asks; everything served carried the credential.
    const reqs = requestsOf('secure');
    expect(reqs.filter((r) => r.status === 401).every((r) => r.username === null)).toBe(true);
    expect(reqs.filter((r) => r.status !== 401).every((r) => r.username === 'x-access-token')).toBe(true);
    expect(reqs.filter((r) => r.status !== 401).map((r) => r.path)).toEqual(expect.arrayContaining(['/secure.git/git-upload-pack', '/secure.git/git-receive-pack']));

    // The per-repo cache is shared: the next run's fetch into it uses that run's own credentials.
    const C = token('c');
    accept.set('secure', (u, p) => u === 'second-run' && p === C);
    h.worker.setGitCredential('run_auth_2', () => ({ username: 'second-run', password: C }));
    editScenario('auth-two');
    const seen = h.gitServer.requests.length;
    const b = h.worker.assign({ cloneUrl: url, instruction: 'auth-two please', runId: 'run_auth_2', credentials: 'worker' });
    const second = await h.result(b.runId);
    await h.idle();
    expect(second.outcome).toBe('succeeded');
    expect(await h.gitServer.readFile('secure', b.branch, 'a.txt')).toBe('auth-two\n');
    expect(h.worker.runs.get(b.runId)!.events.some((e) => e.type === 'log' && /fetched .* into the repo cache/.test(e.message))).toBe(true);
    const served = h.gitServer.requests.slice(seen).filter((r) => r.status !== 401);
    expect(served.map((r) => r.path)).toEqual(expect.arrayContaining(['/secure.git/git-upload-pack', '/secure.git/git-receive-pack']));
    expect(served.every((r) => r.username === 'second-run')).toBe(true);
    expect(h.worker.gitCredentialCalls(b.runId)).toBe(2);
  });

  it('asks again when the token expired mid-run (onAuthFailure) and the push goes through', async () => {
    const A = token('expiring');
    const B = token('renewed');
    let valid = A;
    accept.set('expiry', (u, p) => u === 'x-access-token' && p === valid);
    const url = await h.gitServer.createRepo('expiry', { 'a.txt': 'one\n' });
    h.worker.setGitCredential('run_expiry', (call) => {
      // After the clone, A expires at the remote; the Worker still hands out A once, then renews to B.
      if (call >= 2) valid = B;
      return { username: 'x-access-token', password: call <= 2 ? A : B };
    });
    editScenario('auth-expiry');
    const a = h.worker.assign({ cloneUrl: url, instruction: 'auth-expiry please', runId: 'run_expiry', credentials: 'worker' });
    const result = await h.result(a.runId);
    await h.idle();

    expect(result.outcome).toBe('succeeded');
    expect(await h.gitServer.readFile('expiry', a.branch, 'a.txt')).toBe('auth-expiry\n');
    expect(h.worker.gitCredentialCalls(a.runId)).toBe(3); // clone, push, push again after the refusal
    const pushAsks = requestsOf('expiry').filter((r) => r.service === 'git-receive-pack').map((r) => [r.username, r.status ?? 200]);
    expect(pushAsks).toEqual([[null, 401], ['x-access-token', 401], ['x-access-token', 200]]);
  });

  it('fails the run with a readable reason when the remote refuses the renewed credential too, and pushes nothing', async () => {
    const A = token('clone');
    let open = true;
    accept.set('refusing', (u, p) => open && p === A);
    const url = await h.gitServer.createRepo('refusing', { 'a.txt': 'one\n' });
    const refused = [token('refused2'), token('refused3')];
    h.worker.setGitCredential('run_refused', (call) => {
      if (call >= 2) open = false; // the app lost access to the repo after the clone
      return { username: 'x-access-token', password: call === 1 ? A : refused[call - 2] ?? refused[1] };
    });
    editScenario('auth-refused');
    const a = h.worker.assign({ cloneUrl: url, instruction: 'auth-refused please', runId: 'run_refused', credentials: 'worker' });
    const result = await h.result(a.runId);
    await h.idle();

    expect(result.outcome).toBe('failed');
    expect(result.error).toBe(`push failed: the remote refused dursor's credentials for ${url}`);
    expect(h.worker.gitCredentialCalls(a.runId)).toBe(3); // one more ask after the refusal, then give up
    expect(await h.gitServer.listBranches('refusing')).toEqual(['main']);
    expect(requestsOf('refusing').filter((r) => r.path.endsWith('/git-receive-pack'))).toEqual([]);
    expectCleanLog(h.worker.runs.get(a.runId)!);
  });

  it('turns a refused clone, a Worker error, a missing credential and a URL with user-info into readable failures', async () => {
    const good = token('good');
    accept.set('locked', (u, p) => p === good);
    const url = await h.gitServer.createRepo('locked', { 'a.txt': 'one\n' });
    const fail = async (runId: string, cloneUrl: string, credentials: 'worker' | 'none') => {
      const a = h.worker.assign({ cloneUrl, instruction: 'never runs', runId, credentials });
      const r = await h.result(a.runId);
      await h.idle();
      expect(r.outcome).toBe('failed');
      return r.error;
    };

    const wrong = token('wrong');
    h.worker.setGitCredential('run_wrong', () => ({ username: 'x-access-token', password: wrong }));
    expect(await fail('run_wrong', url, 'worker')).toBe(`clone failed: the remote refused dursor's credentials for ${url}`);
    expect(h.worker.gitCredentialCalls('run_wrong')).toBe(2); // the same value again is not tried twice

    h.worker.setGitCredential('run_503', () => ({ status: 503 }));
    expect(await fail('run_503', url, 'worker')).toBe('clone failed: the Worker could not hand out git credentials (HTTP 503: git credentials unavailable (fake 503))');
    expect(h.worker.gitCredentialCalls('run_503')).toBe(1);

    h.worker.setGitCredential('run_404', () => null);
    expect(await fail('run_404', url, 'worker')).toBe(`clone failed: access denied to ${url} (HTTP 401)`);
    expect(await fail('run_none', url, 'none')).toBe(`clone failed: access denied to ${url} (HTTP 401)`);
    expect(h.worker.gitCredentialCalls('run_none')).toBe(0);

    const userinfo = token('userinfo');
    const before = h.gitServer.requests.length;
    const withUser = url.replace('http://', `http://x-access-token:${userinfo}@`);
    expect(await fail('run_userinfo', withUser, 'none')).toBe(`clone URL ${url} must not carry credentials (user-info); dursor passes them only through onAuth`);
    expect(h.gitServer.requests.length).toBe(before);
    expect(await h.gitServer.listBranches('locked')).toEqual(['main']);
  });

  it('asks with the runner credential for the run it holds; says why when the Worker refuses, cannot be reached or answers nonsense', async () => {
    const redactor = new Redactor();
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const refused = fetchGitCredential({ baseUrl: `http://127.0.0.1:${port}`, credential: 'drc_x', runId: 'run_x', assignment: 1, redactor });
    await expect(refused).rejects.toThrow(new GitAuthError(`cannot get git credentials from the Worker at http://127.0.0.1:${port}/v1/git/credential (ECONNREFUSED)`));

    // Asked with the runner's own credential and the run it holds — never the run token an agent could learn.
    const seen: Array<{ url?: string; authorization?: string }> = [];
    const refusing = createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":{"code":"run_not_assigned","message":"run run_x is not assigned to this runner now"}}');
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      await expect(fetchGitCredential({ baseUrl: url, credential: 'drc_x', runId: 'run_x', assignment: 3, redactor }))
        .rejects.toThrow(new GitAuthError('the Worker refused this runner git credentials for run run_x (HTTP 403: run run_x is not assigned to this runner now)'));
      expect(seen).toEqual([{ url: '/v1/git/credential?runId=run_x&assignment=3', authorization: 'Bearer drc_x' }]);
    } finally {
      await new Promise<void>((r) => refusing.close(() => r()));
    }

    const odd = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"x"}'));
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
      await expect(fetchGitCredential({ baseUrl: url, credential: 'drc_x', runId: 'run_x', assignment: 1, redactor })).rejects.toThrow('the Worker answered GET /v1/git/credential with something that is not a git credential');
    } finally {
      odd.closeAllConnections();
      await new Promise<void>((r) => odd.close(() => r()));
    }
  });

  it('never lets a credential value into a log line, event, result or URL', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    const logs = h.logs.join('\n');
    const events = JSON.stringify([...h.worker.runs.values()].map((r) => r.events));
    const paths = h.gitServer.requests.map((r) => r.path).join('\n');
    expect(events).toContain('remote refused'); // the scan looks at real output
    for (const s of secrets) {
      expect(logs).not.toContain(s);
      expect(events).not.toContain(s);
      expect(paths).not.toContain(s);
    }
  });
});
