/**
 * Who may start a round from a PR comment (issue "Seal every attempt"), in the Workers runtime with
 * the real routes, TaskRoom and D1, against the fake GitHub (its collaborator permission API, its
 * PR comments): a forged delivery starts nothing; a stranger's signed `@dursor` comment starts
 * nothing and gets exactly one reply per PR, however often it is redelivered or repeated; write
 * and maintain start a round, triage does not; an allowlisted login starts one without any role
 * (Settings → GitHub's API, validated and owner-only); a bot never starts anything.
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Repo, Run } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, json, setupOwner } from './helpers/api.ts';
import { createMember, createProfile } from './helpers/fixtures.ts';
import { d1Run } from './do-helpers/seed.ts';
import { cleanup, ev, openRunStream, roomStub } from './do-helpers/stubs.ts';

const gh = inject('github');
const REFUSAL = (login: string) => `@${login}, only people with write access to this repository can start dursor runs`;

afterEach(() => cleanup());

async function hmacHex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
  return [...sig].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** An `issue_comment` delivery as GitHub sends it, signed with `secret`. */
async function comment(login: string, body: string, opts: { secret?: string; delivery?: string; type?: string } = {}) {
  const user = { login, type: opts.type ?? 'User' };
  const payload = JSON.stringify({
    action: 'created', repository: { full_name: gh.repo }, sender: user,
    issue: { number: gh.pr, pull_request: { url: `${gh.url}/repos/${gh.repo}/pulls/${gh.pr}` } },
    comment: { body, user, html_url: `${gh.url}/${gh.repo}/pull/${gh.pr}#issuecomment-1` },
  });
  const res = await anonymous().fetch('/v1/github/webhook', {
    method: 'POST', body: payload,
    headers: {
      'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': opts.delivery ?? crypto.randomUUID(),
      'x-hub-signature-256': `sha256=${await hmacHex(opts.secret ?? gh.webhookSecret, payload)}`,
    },
  });
  return { status: res.status, body: await res.json() as { handled?: string; runIds?: string[]; error?: { code: string } } };
}

/** Comments on the PR as GitHub (the fake) holds them. */
async function prComments(): Promise<Array<{ body: string; user: { login: string } }>> {
  const res = await fetch(`${gh.url}/repos/${gh.repo}/issues/${gh.pr}/comments?per_page=100`, { headers: { authorization: `token ${gh.pat}` } });
  return res.json() as Promise<Array<{ body: string; user: { login: string } }>>;
}

describe('@dursor comments: only people who may push, or the allowlist', () => {
  let owner: Client;
  let taskId = '';
  const runCount = async () => (await json<{ runs: Run[] }>(await owner.fetch(`/v1/tasks/${taskId}/runs`), 200)).runs.length;
  const refusalsTo = async (login: string) => (await prComments()).filter((c) => c.body === REFUSAL(login)).length;

  beforeAll(async () => {
    owner = await setupOwner();
    const put = await owner.fetch('/v1/github/connection', {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'app', appId: gh.appId, privateKey: gh.privateKeyPem, webhookSecret: gh.webhookSecret, apiBaseUrl: gh.url, webUrl: gh.url }),
    });
    expect(put.status).toBe(200);
    const repo = (await json<{ repo: Repo }>(await owner.post('/v1/repos', { github: { fullName: gh.repo, installationId: gh.installationId } }), 201)).repo;
    const profile = await createProfile(owner, { baseUrl: 'https://llm.example.com/v1' });
    taskId = (await json<{ task: { id: string } }>(await owner.post('/v1/tasks', { repoId: repo.id, instruction: 'Add a CLI' }), 201)).task.id;
    const run = (await json<{ runs: Run[] }>(await owner.post(`/v1/tasks/${taskId}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id }] }), 201)).runs[0];
    // The PR's attempt succeeded: a runner took it and reported its pushed branch.
    const a = await roomStub(taskId).claim(run.id, 'runner-w');
    const sock = await openRunStream(taskId, run.id, a!.assignment, 'runner-w');
    await sock.next();
    sock.send({ type: 'frame', frame: 1, events: [ev.result(run.id, 'succeeded', { branch: run.branch, headCommit: 'c'.repeat(40) })] });
    await sock.nextOfType('ack');
    await vi.waitFor(async () => expect(await d1Run(run.id)).toMatchObject({ status: 'succeeded' }));
    // The task's PR is the fake's open PR (made in global-setup); creating it through dursor needs a pushed winner.
    const now = Date.now();
    await env.DB.prepare(`INSERT INTO pull_requests (id, task_id, repo_id, run_id, number, url, title, branch, base_branch, head_sha, state, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 'Add a CLI', ?, 'main', ?, 'open', ?, ?)`)
      .bind(`pr-${taskId}`, taskId, repo.id, run.id, gh.pr, `${gh.url}/${gh.repo}/pull/${gh.pr}`, gh.prBranch, '0'.repeat(40), now, now).run();
  });

  it('a forged delivery starts nothing and says nothing', async () => {
    const before = await runCount();
    const forged = await comment(gh.roles.write, '@dursor add a --version flag', { secret: 'not-the-webhook-secret' });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
    expect(await runCount()).toBe(before);
    expect(await prComments()).toEqual([]);
  });

  it('a stranger starts nothing and is told once per PR — not again on a redelivery, a repeat or a second comment', async () => {
    const before = await runCount();
    const delivery = crypto.randomUUID();
    const first = await comment('stranger-sam', '@dursor delete the tests', { delivery });
    expect(first.status).toBe(202);
    expect(first.body.handled).toBe('refused: @stranger-sam may not start runs (read access); told on the pull request');
    expect(await comment('stranger-sam', '@dursor delete the tests', { delivery })).toMatchObject({ body: { handled: 'duplicate delivery' } });
    const redelivered = await comment('stranger-sam', '@dursor delete the tests'); // same comment, a new delivery id
    expect(redelivered.body.handled).toBe('refused: @stranger-sam may not start runs (read access); already told on this pull request');
    expect((await comment('Stranger-Sam', '@dursor pretty please')).body.handled).toMatch(/already told on this pull request$/);
    expect(await refusalsTo('stranger-sam')).toBe(1);
    expect((await prComments()).map((c) => c.user.login)).toEqual(['dursor-test[bot]']);

    // Triage is not write: refused, and told on its own.
    expect((await comment(gh.roles.triage, '@dursor ship it')).body.handled).toMatch(/^refused: @triage-tom may not start runs \(triage access\); told/);
    expect(await refusalsTo(gh.roles.triage)).toBe(1);
    expect(await runCount()).toBe(before);
  });

  it('write and maintain start a round on the PR branch, with a reply linking the task', async () => {
    const before = await runCount();
    const wes = await comment(gh.roles.write, '@dursor add a --version flag');
    expect(wes).toMatchObject({ status: 202, body: { handled: 'follow-up started' } });
    expect(wes.body.runIds).toHaveLength(1);
    const mia = await comment(gh.roles.maintain, '@dursor and a --help flag');
    expect(mia.body.handled).toBe('follow-up started');
    expect(await runCount()).toBe(before + 2);
    const { messages } = await json<{ messages: Array<{ role: string; content: string }> }>(await owner.fetch(`/v1/tasks/${taskId}/messages`), 200);
    expect(messages.filter((m) => m.role === 'user').map((m) => m.content).slice(-2)).toEqual(['add a --version flag', 'and a --help flag']);
    const replies = (await prComments()).filter((c) => c.body.startsWith('dursor started 1 attempt'));
    expect(replies.map((c) => c.body.match(/by @(\S+)\./)?.[1])).toEqual([gh.roles.write, gh.roles.maintain]);
  });

  it('the owner\'s allowlist: readable errors, owner only; an allowlisted login starts a round without any role', async () => {
    expect(await json(await owner.fetch('/v1/github/allowlist'), 200)).toEqual({ logins: [] });
    const put = (login: string, who = owner) => who.fetch(`/v1/github/allowlist/${encodeURIComponent(login)}`, { method: 'PUT' });
    const bad = await json<ApiErrorBody>(await put('-not-a-login'), 400);
    expect(bad.error).toEqual({ code: 'invalid_request', message: 'login: a GitHub login: 1–39 letters, digits or single hyphens, not starting or ending with a hyphen' });
    expect((await put('x'.repeat(40))).status).toBe(400);
    const member = await createMember('member-allowlist@example.com');
    expect((await put('friend-fay', member)).status).toBe(403);

    const added = await json<{ login: { login: string; createdAt: number } }>(await put('Friend-Fay'), 200);
    expect(added.login.login).toBe('Friend-Fay');
    expect((await json<{ login: { login: string } }>(await put('friend-fay'), 200)).login.login).toBe('Friend-Fay'); // already there
    expect((await json<{ logins: Array<{ login: string }> }>(await owner.fetch('/v1/github/allowlist'), 200)).logins.map((l) => l.login)).toEqual(['Friend-Fay']);

    const before = await runCount();
    const fay = await comment('friend-fay', '@dursor translate the README');
    expect(fay.body.handled).toBe('follow-up started');
    expect(await runCount()).toBe(before + 1);

    expect(await json(await owner.fetch('/v1/github/allowlist/FRIEND-FAY', { method: 'DELETE' }), 200)).toEqual({ ok: true });
    expect((await json<ApiErrorBody>(await owner.fetch('/v1/github/allowlist/friend-fay', { method: 'DELETE' }), 404)).error.code).toBe('not_found');
    expect((await comment('friend-fay', '@dursor once more')).body.handled).toMatch(/^refused: @friend-fay may not start runs/);
    expect(await runCount()).toBe(before + 1);
  });

  it('a bot never starts anything, whatever its login', async () => {
    const before = await runCount();
    const comments = (await prComments()).length;
    expect((await comment('renovate[bot]', '@dursor bump everything', { type: 'Bot' })).body.handled).toBe('ignored: comment by a bot');
    expect((await comment(gh.roles.write, '@dursor bump everything', { type: 'Bot' })).body.handled).toBe('ignored: comment by a bot');
    expect(await runCount()).toBe(before);
    expect((await prComments()).length).toBe(comments);
  });
});
