/**
 * The GitHub routes in the Workers runtime against the fake GitHub (started in Node by
 * global-setup.ts, reached over the network like api.github.com): a connection is checked
 * against GitHub before it is saved and never answered with a secret; the personal-access-token
 * fallback lists repos, branches and issues and imports an issue; webhooks are refused without a
 * matching signature. The runner's git credential route: github-git-credential.test.ts.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { GitHubConnection, GitHubRepoChoice, Repo, Run, Task } from '../../protocol/src/index.ts';
import { signRunToken } from '../src/lib/run-token.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, appWith, client, json, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createMember, createProfile, createRepo } from './helpers/fixtures.ts';

const gh = inject('github');

async function hmacHex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
  return [...sig].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function webhook(event: string, payload: object, opts: { secret?: string; delivery?: string } = {}) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': opts.delivery ?? crypto.randomUUID() };
  if (opts.secret) headers['x-hub-signature-256'] = `sha256=${await hmacHex(opts.secret, body)}`;
  return anonymous().fetch('/v1/github/webhook', { method: 'POST', body, headers });
}

const appBody = (over: Record<string, unknown> = {}) => ({
  kind: 'app', appId: gh.appId, privateKey: gh.privateKeyPem, webhookSecret: gh.webhookSecret, apiBaseUrl: gh.url, webUrl: gh.url, ...over,
});

describe('GitHub connection and pickers', () => {
  let owner: Client;
  beforeAll(async () => {
    owner = await setupOwner();
  });

  it('checks an app against GitHub before saving it, and never answers with its secrets', async () => {
    expect((await json<{ connection: null }>(await owner.fetch('/v1/github/connection'), 200)).connection).toBeNull();
    const member = await createMember('member-gh@example.com');
    expect((await member.fetch('/v1/github/connection', { method: 'PUT', body: JSON.stringify(appBody()), headers: { 'content-type': 'application/json' } })).status).toBe(403);

    const put = (body: object) => owner.fetch('/v1/github/connection', { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const notPem = await json<ApiErrorBody>(await put(appBody({ privateKey: `-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(120)}\n-----END RSA PRIVATE KEY-----` })), 400);
    expect(notPem.error.message).toMatch(/privateKey: not an RSA private key/);
    const wrongApp = await json<ApiErrorBody>(await put(appBody({ appId: gh.appId + 1 })), 400);
    expect(wrongApp.error.message).toMatch(new RegExp(`GitHub did not accept app ${gh.appId + 1}`));

    const res = await put(appBody());
    const text = await res.clone().text();
    const { connection } = await json<{ connection: GitHubConnection }>(res, 200);
    expect(connection).toMatchObject({ kind: 'app', appId: gh.appId, webhookConfigured: true, apiBaseUrl: gh.url, tokenHint: null });
    const pemBody = gh.privateKeyPem.split('\n')[1];
    for (const secret of [pemBody, gh.webhookSecret]) expect(text).not.toContain(secret);
    const rows = JSON.stringify((await env.DB.prepare('SELECT * FROM github_connections').all()).results);
    for (const secret of [pemBody, gh.webhookSecret]) expect(rows).not.toContain(secret);

    const { repos } = await json<{ repos: GitHubRepoChoice[] }>(await owner.fetch('/v1/github/repos'), 200);
    expect(repos.find((r) => r.fullName === gh.repo)).toMatchObject({ installationId: gh.installationId, defaultBranch: 'main' });
  });

  it('verifies webhooks: no or a wrong signature → 401; a signed ping → 202, once per delivery', async () => {
    const ping = { zen: 'Keep it logically awesome.', hook_id: 1 };
    const unsigned = await json<ApiErrorBody>(await webhook('ping', ping), 401);
    expect(unsigned.error.code).toBe('bad_signature');
    expect((await json<ApiErrorBody>(await webhook('ping', ping, { secret: 'not-the-secret' }), 401)).error.code).toBe('bad_signature');
    const signed = await webhook('ping', ping, { secret: gh.webhookSecret, delivery: 'delivery-1' });
    expect(await json(signed, 202)).toEqual({ ok: true, handled: 'pong' });
    expect(await json(await webhook('ping', ping, { secret: gh.webhookSecret, delivery: 'delivery-1' }), 200)).toEqual({ ok: true, handled: 'duplicate delivery' });
  });

  it('falls back to a personal access token: repos, branches, issues, a task from an issue', async () => {
    const put = (body: object) => owner.fetch('/v1/github/connection', { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await json<ApiErrorBody>(await put({ kind: 'token', token: 'ghp_not_a_real_token', apiBaseUrl: gh.url }), 400)).error.message)
      .toMatch(/GitHub did not accept the token: Bad credentials/);
    const { connection } = await json<{ connection: GitHubConnection }>(await put({ kind: 'token', token: gh.pat, apiBaseUrl: gh.url }), 200);
    expect(connection).toMatchObject({ kind: 'token', account: 'octocat', tokenHint: gh.pat.slice(-4), webhookConfigured: false, installUrl: null });

    const { repos } = await json<{ repos: GitHubRepoChoice[] }>(await owner.fetch('/v1/github/repos'), 200);
    expect(repos.find((r) => r.fullName === gh.repo)?.installationId).toBeNull();
    const { repo } = await json<{ repo: Repo }>(await owner.post('/v1/repos', { github: { fullName: gh.repo } }), 201);
    expect(repo.github).toMatchObject({ fullName: gh.repo, installationId: null });
    const { branches } = await json<{ branches: Array<{ name: string }> }>(await owner.fetch(`/v1/repos/${repo.id}/branches`), 200);
    expect(branches.map((b) => b.name)).toEqual([gh.prBranch, 'main']); // the PR branch global-setup made for the webhook tests
    const { issues } = await json<{ issues: Array<{ number: number; title: string }> }>(await owner.fetch(`/v1/repos/${repo.id}/issues`), 200);
    expect(issues).toEqual([expect.objectContaining({ number: gh.issue, title: 'Add a CLI' })]);
    const { task, message } = await json<{ task: Task; message: { content: string } }>(await owner.post('/v1/tasks', { repoId: repo.id, issue: gh.issue }), 201);
    expect(task.issue?.number).toBe(gh.issue);
    expect(message.content).toBe('Add a CLI\n\ntools needs a `--help`.');

    // A token connection without a webhook secret refuses every delivery.
    expect((await json<ApiErrorBody>(await webhook('ping', {}, { secret: gh.webhookSecret }), 401)).error.code).toBe('webhook_not_configured');

    expect(await json(await owner.fetch('/v1/github/connection', { method: 'DELETE' }), 200)).toEqual({ ok: true });
    expect((await json<ApiErrorBody>(await owner.fetch('/v1/github/repos'), 400)).error.code).toBe('github_not_connected');
  });
});
