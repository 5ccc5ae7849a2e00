/** The GitHub routes' typed calls: method, path and body as the route table says; replies parsed. */
import { afterEach, describe, expect, it } from 'vitest';
import { configureApi } from '../src/lib/api.ts';
import { api } from '../src/lib/endpoints.ts';

type Call = { method: string; url: string; body: unknown; key: string | undefined };
function serve(reply: unknown, status = 200): Call[] {
  const calls: Call[] = [];
  configureApi({
    fetch: (async (url: string, init: RequestInit) => {
      const h = init.headers as Record<string, string>;
      calls.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(init.body as string) : undefined, key: h['idempotency-key'] });
      return new Response(JSON.stringify(reply), { status });
    }) as typeof fetch,
  });
  return calls;
}
afterEach(() => configureApi({ fetch: undefined }));

const sha = 'b'.repeat(40);
const pr = {
  id: 'pr1', taskId: 't/1', runId: 'r1', number: 7, url: 'https://github.com/o/r/pull/7', title: 'Fix', branch: 'dursor/pr/t1',
  baseBranch: 'main', headSha: sha, state: 'open', createdAt: 1, updatedAt: 2,
  checks: [{ kind: 'check_run', name: 'ci', status: 'completed', conclusion: 'success', url: null, headSha: sha, updatedAt: 2 }],
};
const connection = {
  kind: 'app', appId: 1, appSlug: 'dursor-me', account: 'me', apiBaseUrl: 'https://api.github.com', webUrl: 'https://github.com',
  installUrl: 'https://github.com/apps/dursor-me/installations/new', webhookConfigured: true, tokenHint: null, createdAt: 1,
};

describe('GitHub endpoints', () => {
  it('connection: get (null when none), put, delete, manifest', async () => {
    let calls = serve({ connection: null });
    await expect(api.getGitHubConnection()).resolves.toEqual({ connection: null });
    calls = serve({ connection });
    await expect(api.putGitHubConnection({ kind: 'token', token: 'ghp_0123456789' })).resolves.toEqual({ connection });
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/v1/github/connection', body: { kind: 'token', token: 'ghp_0123456789' }, key: undefined });
    calls = serve({ ok: true });
    await api.deleteGitHubConnection();
    expect(calls[0]).toMatchObject({ method: 'DELETE', url: '/v1/github/connection' });
    calls = serve({ postUrl: 'https://github.com/settings/apps/new?state=s', manifest: '{"name":"dursor"}' });
    await expect(api.startGitHubManifest({ org: 'acme' })).resolves.toMatchObject({ manifest: '{"name":"dursor"}' });
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/v1/github/manifest', body: { org: 'acme' } });
  });

  it('the comment allowlist: list, allow (PUT, no idempotency key), disallow', async () => {
    let calls = serve({ logins: [{ login: 'octocat', createdAt: 1 }] });
    await expect(api.listGitHubAllowlist()).resolves.toEqual({ logins: [{ login: 'octocat', createdAt: 1 }] });
    expect(calls[0]).toMatchObject({ method: 'GET', url: '/v1/github/allowlist' });
    calls = serve({ login: { login: 'Mona', createdAt: 2 } });
    await expect(api.allowGitHubLogin('Mona')).resolves.toEqual({ login: { login: 'Mona', createdAt: 2 } });
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/v1/github/allowlist/Mona', body: undefined, key: undefined });
    calls = serve({ ok: true });
    await api.disallowGitHubLogin('Mona');
    expect(calls[0]).toMatchObject({ method: 'DELETE', url: '/v1/github/allowlist/Mona' });
  });

  it('pickers: repos, branches, issues', async () => {
    let calls = serve({ repos: [{ fullName: 'o/r', cloneUrl: 'https://github.com/o/r.git', htmlUrl: 'https://github.com/o/r', defaultBranch: 'main', private: true, installationId: 9 }] });
    await expect(api.listGitHubRepos()).resolves.toMatchObject({ repos: [{ fullName: 'o/r', private: true }] });
    expect(calls[0].url).toBe('/v1/github/repos');
    calls = serve({ branches: [{ name: 'main', sha }] });
    await api.listBranches('repo 1');
    expect(calls[0].url).toBe('/v1/repos/repo%201/branches');
    calls = serve({ issues: [{ number: 3, title: 'Bug', url: 'https://github.com/o/r/issues/3', state: 'open' }] });
    await expect(api.listIssues('r1')).resolves.toMatchObject({ issues: [{ number: 3 }] });
    expect(calls[0].url).toBe('/v1/repos/r1/issues');
  });

  it('pull requests: get, draft, create (caller’s key), update, refresh; winner', async () => {
    let calls = serve({ pr: null });
    await expect(api.getPr('t/1')).resolves.toEqual({ pr: null });
    expect(calls[0].url).toBe('/v1/tasks/t%2F1/pr');
    calls = serve({ draft: { title: 'T', body: 'B', writtenBy: 'GPT', note: null, template: null } });
    await api.draftPr('t1', { runId: 'r1' });
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/v1/tasks/t1/pr/draft', body: { runId: 'r1' } });
    calls = serve({ pr, compareUrl: null }, 201);
    await expect(api.createPr('t1', { runId: 'r1', mode: 'create', title: 'T' }, 'k-1')).resolves.toMatchObject({ pr: { number: 7 } });
    expect(calls[0]).toMatchObject({ url: '/v1/tasks/t1/pr', body: { runId: 'r1', mode: 'create', title: 'T' }, key: 'k-1' });
    calls = serve({ pr, outcome: 'merged' });
    await expect(api.updatePr('t1', { runId: 'r2', mode: 'replace', expectedHeadSha: sha })).resolves.toMatchObject({ outcome: 'merged' });
    expect(calls[0]).toMatchObject({ url: '/v1/tasks/t1/pr/update', body: { runId: 'r2', mode: 'replace', expectedHeadSha: sha } });
    calls = serve({ pr });
    await expect(api.refreshPr('t1')).resolves.toMatchObject({ pr: { checks: [{ name: 'ci' }] } });
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/v1/tasks/t1/pr/refresh' });
    const task = { id: 't1', repoId: 'r', baseRef: 'main', title: 'x', status: 'done', budgetUsd: null, usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 }, issue: null, winnerRunId: 'r2', createdAt: 1, updatedAt: 1 };
    calls = serve({ task });
    await expect(api.chooseWinner('t1', { runId: 'r2' })).resolves.toMatchObject({ task: { winnerRunId: 'r2' } });
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/v1/tasks/t1/winner', body: { runId: 'r2' } });
  });

  it('a 409 keeps its code for the PR panel to explain', async () => {
    serve({ error: { code: 'stale_head', message: 'The PR branch is at c…, not b….' } }, 409);
    await expect(api.updatePr('t1', { runId: 'r2', mode: 'replace', expectedHeadSha: sha })).rejects.toMatchObject({ status: 409, code: 'stale_head' });
  });

  it('a reply that leaks a field outside the schema is still parsed to the schema only', async () => {
    serve({ connection: { ...connection, privateKey: '-----BEGIN RSA PRIVATE KEY-----' } });
    const { connection: c } = await api.getGitHubConnection();
    expect(c).not.toHaveProperty('privateKey');
  });
});
