import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/core';
import { verify } from '@octokit/webhooks-methods';
import { git, startFakeGitHub, type FakeGitHub } from '../src/index.ts';

const REPO = 'acme/widgets';
const params = { owner: 'acme', repo: 'widgets' };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The status and GitHub error body of a rejected octokit call. */
async function failure(p: Promise<unknown>): Promise<{ status: number; data: any }> {
  const e = await p.then(() => null, (err) => err);
  expect(e, 'request should fail').not.toBeNull();
  return { status: e.status, data: e.response?.data };
}

describe('fake GitHub', () => {
  let gh: FakeGitHub;
  let app: App;
  let inst: Octokit;
  let user: Octokit;
  const bare = () => `${gh.git.root}/acme--widgets.git`;

  beforeAll(async () => {
    gh = await startFakeGitHub();
    await gh.createRepo(REPO, { 'README.md': '# widgets\n', '.github/pull_request_template.md': '## What\n' });
    await gh.createRepo('other/secret', { 'a.txt': 'a\n' }, { installed: false, private: true });
    app = new App({ appId: gh.app.id, privateKey: gh.app.privateKeyPem, Octokit: Octokit.defaults({ baseUrl: gh.url }) });
    inst = (await app.getInstallationOctokit(gh.installationId)) as unknown as Octokit;
    user = new Octokit({ auth: gh.addPat(), baseUrl: gh.url });
  });
  afterAll(() => gh?.close());

  it('authenticates the app JWT, installation tokens and PATs, and scopes what each sees', async () => {
    expect((await app.octokit.request('GET /app')).data).toMatchObject({ id: gh.app.id, slug: gh.app.slug });
    const repos = (await inst.request('GET /installation/repositories')).data;
    expect(repos.repositories.map((r: any) => r.full_name)).toEqual([REPO]);
    expect(repos.repositories[0]).toMatchObject({ clone_url: `${gh.git.url}/acme--widgets.git`, default_branch: 'main', owner: { login: 'acme' } });
    expect((await failure(inst.request('GET /repos/{owner}/{repo}', { owner: 'other', repo: 'secret' }))).status).toBe(404);
    expect((await user.request('GET /repos/{owner}/{repo}', { owner: 'other', repo: 'secret' })).data.private).toBe(true);
    expect((await user.request('GET /user')).data).toMatchObject({ login: 'octocat', type: 'User' });
    expect((await user.request('GET /user/repos')).data).toHaveLength(2);

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const forged = new App({ appId: gh.app.id, privateKey, Octokit: Octokit.defaults({ baseUrl: gh.url }) });
    const bad = await failure(forged.octokit.request('GET /app'));
    expect(bad).toMatchObject({ status: 401, data: { message: 'A JSON web token could not be decoded' } });
    const wrongApp = new App({ appId: gh.app.id + 1, privateKey: gh.app.privateKeyPem, Octokit: Octokit.defaults({ baseUrl: gh.url }) });
    expect((await failure(wrongApp.octokit.request('GET /app'))).status).toBe(401);
    expect((await failure(new Octokit({ auth: 'ghp_nope', baseUrl: gh.url }).request('GET /user'))).data.message).toBe('Bad credentials');
    expect((await fetch(`${gh.url}/repos/${REPO}`)).status).toBe(401);
    expect((await fetch(`${gh.url}/nope`, { headers: { authorization: `token ${gh.addPat()}` } })).status).toBe(404);

    for (const r of gh.requests) expect(r.headers.authorization ?? 'none').toMatch(/^\S+$/); // scheme only, never the credential
  });

  it('creates refs and PRs; a second create is 422 already exists; the head follows the branch', async () => {
    const main = (await inst.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...params, ref: 'heads/main' })).data.object.sha;
    const branch = 'dursor/pr/t1';
    const created = await inst.request('POST /repos/{owner}/{repo}/git/refs', { ...params, ref: `refs/heads/${branch}`, sha: main });
    expect(created.status).toBe(201);
    const again = await failure(inst.request('POST /repos/{owner}/{repo}/git/refs', { ...params, ref: `refs/heads/${branch}`, sha: main }));
    expect(again).toMatchObject({ status: 422, data: { message: 'Reference already exists' } });
    const none = await failure(inst.request('POST /repos/{owner}/{repo}/pulls', { ...params, title: 't', head: branch, base: 'main' }));
    expect(none.data.errors[0].message).toBe(`No commits between main and ${branch}`);

    const c1 = await gh.pushExternalCommit(REPO, branch, { 'feature.txt': 'one\n' });
    const pr = { ...params, title: 'Add feature', head: `acme:${branch}`, base: 'main', body: 'Closes #2' };
    const [a, b] = await Promise.allSettled([inst.request('POST /repos/{owner}/{repo}/pulls', pr), inst.request('POST /repos/{owner}/{repo}/pulls', pr)]);
    const ok = [a, b].filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<any>[];
    const dup = [a, b].filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(ok[0].value.data).toMatchObject({ number: 1, state: 'open', merged: false, head: { ref: branch, sha: c1 }, base: { ref: 'main' }, user: { login: gh.app.botLogin } });
    expect(dup[0].reason.status).toBe(422);
    expect(dup[0].reason.response.data.errors).toEqual([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for acme:${branch}.` }]);
    const missing = await failure(inst.request('POST /repos/{owner}/{repo}/pulls', { ...pr, head: 'acme:nope' }));
    expect(missing.data).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });

    const c2 = await gh.pushExternalCommit(REPO, branch, { 'feature.txt': 'two\n' });
    const listed = (await inst.request('GET /repos/{owner}/{repo}/pulls', { ...params, head: `acme:${branch}`, state: 'all' })).data;
    expect(listed.map((p: any) => [p.number, p.head.sha, 'merged' in p])).toEqual([[1, c2, false]]);
    expect((await inst.request('GET /repos/{owner}/{repo}/pulls', { ...params, head: 'acme:other' })).data).toEqual([]);
    expect((await inst.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { ...params, pull_number: 1 })).data.map((c: any) => c.sha)).toEqual([c1, c2]);
    expect(gh.pulls(REPO)[0]).toMatchObject({ number: 1, title: 'Add feature', body: 'Closes #2', head: { ref: branch, sha: c2 } });
  });

  it('moves refs only forward unless forced, checked with real git ancestry', async () => {
    const main = await gh.git.revParse('acme--widgets', 'main');
    await user.request('POST /repos/{owner}/{repo}/git/refs', { ...params, ref: 'refs/heads/x', sha: main! });
    await user.request('POST /repos/{owner}/{repo}/git/refs', { ...params, ref: 'refs/heads/y', sha: main! });
    const x1 = await gh.pushExternalCommit(REPO, 'x', { 'x.txt': 'x\n' });
    const y1 = await gh.pushExternalCommit(REPO, 'y', { 'y.txt': 'y\n' });
    const patch = (sha: string, force?: boolean) => user.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...params, ref: 'heads/x', sha, force });
    expect(await failure(patch(y1))).toMatchObject({ status: 422, data: { message: 'Update is not a fast forward' } });
    expect((await patch(y1, true)).data.object.sha).toBe(y1);
    const y2 = await gh.pushExternalCommit(REPO, 'y', { 'y.txt': 'y2\n' });
    expect((await patch(y2)).data).toMatchObject({ ref: 'refs/heads/x', object: { sha: y2, type: 'commit' } });
    expect(await gh.git.revParse('acme--widgets', 'x')).toBe(y2);
    expect(x1).not.toBe(y2);
    expect((await failure(user.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ...params, ref: 'heads/gone', sha: y2 }))).data.message).toBe('Reference does not exist');
  });

  it('compares and merges with real merge commits (201, 204 when contained, 409 on conflict)', async () => {
    const main0 = (await gh.git.revParse('acme--widgets', 'main'))!;
    await user.request('POST /repos/{owner}/{repo}/git/refs', { ...params, ref: 'refs/heads/m', sha: main0 });
    const m1 = await gh.pushExternalCommit(REPO, 'm', { 'm.txt': 'm\n' });
    const compare = (basehead: string) => inst.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...params, basehead }).then((r) => r.data);
    expect(await compare('main...m')).toMatchObject({ status: 'ahead', ahead_by: 1, behind_by: 0, commits: [{ sha: m1 }], merge_base_commit: { sha: main0 } });
    expect(await compare('m...m')).toMatchObject({ status: 'identical', ahead_by: 0 });
    const main1 = await gh.pushExternalCommit(REPO, 'main', { 'main.txt': 'main\n' });
    expect(await compare('main...m')).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 1 });
    expect(await compare('m...main')).toMatchObject({ status: 'diverged', commits: [{ sha: main1 }] });

    const merged = await inst.request('POST /repos/{owner}/{repo}/merges', { ...params, base: 'm', head: 'main', commit_message: 'sync main' });
    expect(merged.status).toBe(201);
    expect(merged.data.parents.map((p: any) => p.sha)).toEqual([m1, main1]);
    const parents = (await git(['--git-dir', bare(), 'rev-list', '--parents', '-n', '1', 'm'])).stdout.trim().split(' ');
    expect(parents).toEqual([merged.data.sha, m1, main1]);
    expect(await gh.git.readFile('acme--widgets', 'm', 'main.txt')).toBe('main\n');
    expect((await git(['--git-dir', bare(), 'log', '-1', '--format=%s', 'm'])).stdout.trim()).toBe('sync main');
    expect((await inst.request('POST /repos/{owner}/{repo}/merges', { ...params, base: 'm', head: 'main' })).status).toBe(204);

    await gh.pushExternalCommit(REPO, 'main', { 'c.txt': 'main\n' });
    await gh.pushExternalCommit(REPO, 'm', { 'c.txt': 'branch\n' });
    expect(await failure(inst.request('POST /repos/{owner}/{repo}/merges', { ...params, base: 'm', head: 'main' }))).toMatchObject({ status: 409, data: { message: 'Merge conflict' } });
  });

  it('serves contents, issues, comments, checks and PR state', async () => {
    const tpl = (await inst.request('GET /repos/{owner}/{repo}/contents/{path}', { ...params, path: '.github/pull_request_template.md' })).data as any;
    expect(tpl).toMatchObject({ type: 'file', encoding: 'base64', path: '.github/pull_request_template.md' });
    expect(Buffer.from(tpl.content, 'base64').toString()).toBe('## What\n');
    expect((await failure(inst.request('GET /repos/{owner}/{repo}/contents/{path}', { ...params, path: 'PULL_REQUEST_TEMPLATE.md' }))).status).toBe(404);

    expect(gh.createIssue(REPO, { title: 'Bug', body: 'It breaks' })).toBe(2);
    const issues = (await inst.request('GET /repos/{owner}/{repo}/issues', { ...params, state: 'open' })).data;
    expect(issues.map((i: any) => [i.number, 'pull_request' in i])).toEqual([[2, false], [1, true]]);
    expect((await inst.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...params, issue_number: 2 })).data).toMatchObject({ title: 'Bug', body: 'It breaks' });

    const posted = await inst.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, issue_number: 1, body: 'On it' });
    expect(posted).toMatchObject({ status: 201, data: { body: 'On it', user: { login: 'dursor-test[bot]', type: 'Bot' } } });
    await user.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, issue_number: 1, body: 'thanks' });
    expect(gh.comments(REPO, 1)).toEqual([{ body: 'On it', user: 'dursor-test[bot]' }, { body: 'thanks', user: 'octocat' }]);
    expect((await failure(user.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...params, issue_number: 1, body: '' }))).status).toBe(422);

    const head = gh.pulls(REPO)[0].head.sha;
    gh.addCheckRun(REPO, head, { name: 'ci', status: 'completed', conclusion: 'success', html_url: 'https://ci.example/1' });
    gh.addStatus(REPO, head, { context: 'lint', state: 'pending' });
    gh.addStatus(REPO, head, { context: 'lint', state: 'failure' });
    const runs = (await inst.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...params, ref: 'dursor/pr/t1' })).data;
    expect(runs).toMatchObject({ total_count: 1, check_runs: [{ name: 'ci', conclusion: 'success', head_sha: head, html_url: 'https://ci.example/1' }] });
    const status = (await inst.request('GET /repos/{owner}/{repo}/commits/{ref}/status', { ...params, ref: head })).data;
    expect(status).toMatchObject({ state: 'failure', total_count: 1, statuses: [{ context: 'lint', state: 'failure' }] });

    gh.setPullState(REPO, 1, 'merged');
    const pr = (await inst.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...params, pull_number: 1 })).data;
    expect(pr).toMatchObject({ state: 'closed', merged: true, html_url: `${gh.webUrl}/acme/widgets/pull/1` });
    expect((await fetch(pr.html_url)).status).toBe(200);
    expect((await inst.request('GET /repos/{owner}/{repo}/issues/{issue_number}', { ...params, issue_number: 2 })).data.state).toBe('closed');
  });

  it('expires installation tokens for REST and git', async () => {
    gh.setInstallationTokenTtl(300);
    const { data } = await app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: gh.installationId });
    expect(data.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(Date.parse(data.expires_at) - Date.now()).toBeLessThanOrEqual(1000);
    expect(gh.issuedTokens.at(-1)?.token).toBe(data.token);
    const rest = () => fetch(`${gh.url}/installation/repositories`, { headers: { authorization: `token ${data.token}` } });
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`x-access-token:${password}`).toString('base64')}` });
    const refs = (password: string, repo = 'acme--widgets') => fetch(`${gh.git.url}/${repo}.git/info/refs?service=git-upload-pack`, { headers: basic(password) });
    expect((await rest()).status).toBe(200);
    expect((await refs(data.token)).status).toBe(200);
    expect((await refs(data.token, 'other--secret')).status).toBe(404); // not installed there: "Repository not found."
    await sleep(Math.max(0, gh.issuedTokens.at(-1)!.expiresAt - Date.now()) + 20);
    const after = await rest();
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ message: 'Bad credentials' });
    expect((await refs(data.token)).status).toBe(401);
    expect((await refs(gh.addPat(), 'other--secret')).status).toBe(200);
  });

  it('narrows installation tokens to the repositories and permissions asked for, and refuses them elsewhere as GitHub does', async () => {
    gh.setInstallationTokenTtl(3_600_000);
    await gh.createRepo('acme/gadgets', { 'g.txt': 'g\n' }, { private: true });
    const asked = (await app.octokit.auth({ type: 'installation', installationId: gh.installationId, repositoryNames: ['widgets'], permissions: { contents: 'write' } })) as { token: string };
    const tokenCall = gh.requests.findLast((r) => r.method === 'POST' && r.path.endsWith('/access_tokens'));
    expect(tokenCall?.body).toEqual({ repositories: ['widgets'], permissions: { contents: 'write' } });
    expect(gh.issuedTokens.at(-1)).toMatchObject({ token: asked.token, repositories: [REPO], permissions: { contents: 'write', metadata: 'read' } });

    const narrow = new Octokit({ auth: asked.token, baseUrl: gh.url });
    expect((await narrow.request('GET /repos/{owner}/{repo}', params)).status).toBe(200);
    expect((await narrow.request('GET /installation/repositories')).data.repositories.map((r: any) => r.full_name)).toEqual([REPO]);
    expect((await failure(narrow.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'gadgets' }))).status).toBe(404);
    const pr = await failure(narrow.request('POST /repos/{owner}/{repo}/pulls', { ...params, title: 't', head: 'x', base: 'main' }));
    expect(pr).toMatchObject({ status: 403, data: { message: 'Resource not accessible by integration' } });
    const comment = await fetch(`${gh.url}/repos/${REPO}/issues/1/comments`, { method: 'POST', headers: { authorization: `token ${asked.token}` }, body: '{"body":"hi"}' });
    expect(comment.status).toBe(403);
    expect(comment.headers.get('x-accepted-github-permissions')).toBe('issues=write; pull_requests=write');
    // The installation's own token (not narrowed) still sees both repositories.
    expect((await inst.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'gadgets' })).status).toBe(200);

    // Git: fetch and push where the token was made for; 404 on another repo; 403 for a push with contents: read.
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`x-access-token:${password}`).toString('base64')}` });
    const refs = (password: string, repo: string, service: string) => fetch(`${gh.git.url}/${repo}.git/info/refs?service=${service}`, { headers: basic(password) });
    expect((await refs(asked.token, 'acme--widgets', 'git-receive-pack')).status).toBe(200);
    expect((await refs(asked.token, 'acme--gadgets', 'git-upload-pack')).status).toBe(404);
    expect((await refs(asked.token, 'acme--gadgets', 'git-receive-pack')).status).toBe(404);
    const readOnly = (await app.octokit.auth({ type: 'installation', installationId: gh.installationId, repositoryNames: ['widgets'], permissions: { contents: 'read' } })) as { token: string };
    expect((await refs(readOnly.token, 'acme--widgets', 'git-upload-pack')).status).toBe(200);
    expect((await refs(readOnly.token, 'acme--widgets', 'git-receive-pack')).status).toBe(403);
    const work = await mkdtemp(join(tmpdir(), 'fake-github-push-'));
    try {
      const withToken = (repo: string, token: string) => `${gh.git.url}/${repo}.git`.replace('http://', `http://x-access-token:${token}@`);
      await git(['clone', '--quiet', withToken('acme--widgets', asked.token), work]);
      const push = (repo: string, token: string) => git(['-C', work, 'push', withToken(repo, token), 'HEAD:refs/heads/pushed'], { allowFail: true });
      expect((await push('acme--gadgets', asked.token)).stderr).toMatch(/Repository not found|404/);
      expect((await push('acme--widgets', readOnly.token)).stderr).toMatch(/403/);
      expect(await gh.git.listBranches('acme--gadgets')).toEqual(['main']);
      expect((await push('acme--widgets', asked.token)).code).toBe(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }

    // GitHub's 422s: a repository the installation cannot see, a permission it was not granted.
    const unknown = await failure(app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: gh.installationId, repositories: ['secret'] }));
    expect(unknown).toMatchObject({ status: 422, data: { message: 'There is at least one repository that does not exist or is not accessible to the parent installation.' } });
    const wider = await failure(app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: gh.installationId, permissions: { administration: 'write' } }));
    expect(wider).toMatchObject({ status: 422, data: { message: 'The permissions requested are not granted to this installation.' } });
  });

  it('answers a user\'s permission on a repository: owner admin, roles as set, read or none for anyone else', async () => {
    const perm = async (kit: Octokit, owner: string, repo: string, username: string) =>
      (await kit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username })).data as { permission: string; role_name: string; user: { login: string } };
    gh.setCollaborator(REPO, 'Alice', 'write');
    gh.setCollaborator(REPO, 'mia', 'maintain');
    gh.setCollaborator(REPO, 'tom', 'triage');
    expect(await perm(inst, 'acme', 'widgets', 'alice')).toMatchObject({ permission: 'write', role_name: 'write', user: { login: 'alice' } });
    expect(await perm(inst, 'acme', 'widgets', 'mia')).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect(await perm(inst, 'acme', 'widgets', 'tom')).toMatchObject({ permission: 'read', role_name: 'triage' });
    expect(await perm(inst, 'acme', 'widgets', 'acme')).toMatchObject({ permission: 'admin', role_name: 'admin' });
    expect(await perm(inst, 'acme', 'widgets', 'stranger')).toMatchObject({ permission: 'read', role_name: 'read' });
    expect(await perm(user, 'other', 'secret', 'stranger')).toMatchObject({ permission: 'none', role_name: 'none' });
    gh.setCollaborator(REPO, 'alice', null);
    expect((await perm(inst, 'acme', 'widgets', 'alice')).permission).toBe('read');
  });

  it('signs webhook payloads as GitHub does and converts manifest codes once', async () => {
    const payload = gh.webhook.issueComment(REPO, 1, { body: '@dursor please add tests', user: 'alice' });
    expect(payload).toMatchObject({
      action: 'created', installation: { id: gh.installationId }, repository: { full_name: REPO }, sender: { login: 'alice' },
      issue: { number: 1, pull_request: { html_url: `${gh.webUrl}/acme/widgets/pull/1` } }, comment: { body: '@dursor please add tests' },
    });
    const d = gh.webhook.delivery('issue_comment', payload);
    expect(d.headers['x-github-event']).toBe('issue_comment');
    expect(await verify(gh.app.webhookSecret, d.body, d.headers['x-hub-signature-256'])).toBe(true);
    expect(await verify('other-secret', d.body, gh.webhook.sign(d.body))).toBe(false);
    expect(gh.webhook.pullRequest(REPO, 1, 'closed')).toMatchObject({ action: 'closed', number: 1, pull_request: { merged: true, head: { ref: 'dursor/pr/t1' } } });

    const code = gh.manifestCode();
    const anon = new Octokit({ baseUrl: gh.url });
    const conv = await anon.request('POST /app-manifests/{code}/conversions', { code });
    expect(conv).toMatchObject({ status: 201, data: { id: gh.app.id, slug: gh.app.slug, pem: gh.app.privateKeyPem, webhook_secret: gh.app.webhookSecret } });
    expect((await failure(anon.request('POST /app-manifests/{code}/conversions', { code }))).status).toBe(404);
    const badJson = await fetch(`${gh.url}/repos/${REPO}/pulls`, { method: 'POST', body: '{', headers: { authorization: `token ${gh.addPat()}` } });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });
});
