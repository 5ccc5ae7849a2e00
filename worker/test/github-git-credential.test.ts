/**
 * Git credentials by construction (issue "Seal every attempt"), in the Workers runtime with the
 * real TaskRoom and D1 against the fake GitHub: `GET /v1/git/credential` answers only the runner
 * holding an active assignment of the run, asked with its own runner credential — never a run
 * token, a user, another runner, a stale assignment or a released run — and what it answers is an
 * installation token narrowed to the run's one repository with `contents: write`, which the fake
 * GitHub refuses on any other repository and for pull-request writes. Tokens are cached per
 * repository: the other repo's run gets its own.
 */
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Assignment, Repo, Run } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, client, json, setupOwner } from './helpers/api.ts';
import { createProfile, createRepo } from './helpers/fixtures.ts';
import { cleanup, roomStub } from './do-helpers/stubs.ts';

const gh = inject('github');

afterEach(() => cleanup());

describe('GET /v1/git/credential: only for the runner holding the run', () => {
  let owner: Client;
  let profileId = '';
  const runners: Array<{ id: string; credential: string }> = [];

  beforeAll(async () => {
    owner = await setupOwner();
    const put = await owner.fetch('/v1/github/connection', {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'app', appId: gh.appId, privateKey: gh.privateKeyPem, webhookSecret: gh.webhookSecret, apiBaseUrl: gh.url, webUrl: gh.url }),
    });
    expect(put.status).toBe(200);
    profileId = (await createProfile(owner, { baseUrl: 'https://llm.example.com/v1' })).id;
    const { registrationToken } = await json<{ registrationToken: { token: string } }>(await owner.post('/v1/runners/registration-tokens', {}), 201);
    for (const name of ['holder', 'bystander']) {
      runners.push(await json<{ runnerId: string; credential: string }>(await anonymous().post('/v1/runners/register', { registrationToken: registrationToken.token, name }), 201)
        .then((r) => ({ id: r.runnerId, credential: r.credential })));
    }
  });

  const addGitHubRepo = async (fullName: string) =>
    (await json<{ repo: Repo }>(await owner.post('/v1/repos', { github: { fullName, installationId: gh.installationId } }), 201)).repo;

  /** A run made by the real routes and TaskRoom, then claimed for `runnerId` as RunnerPool would. */
  async function heldRun(repoId: string, runnerId: string): Promise<Assignment> {
    const task = (await json<{ task: { id: string } }>(await owner.post('/v1/tasks', { repoId, instruction: 'x' }), 201)).task;
    const run = (await json<{ runs: Run[] }>(await owner.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profileId }] }), 201)).runs[0];
    const assignment = await roomStub(task.id).claim(run.id, runnerId);
    if (!assignment) throw new Error('claim failed');
    return assignment;
  }

  const ask = (bearer: string | null, query: string) =>
    client(bearer ? { authorization: `Bearer ${bearer}` } : {}).fetch(`/v1/git/credential${query}`);
  const q = (a: Pick<Assignment, 'runId' | 'assignment'>, assignment = a.assignment) => `?runId=${a.runId}&assignment=${assignment}`;
  const code = async (res: Response, status: number) => (await json<ApiErrorBody>(res, status)).error.code;
  const ghApi = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${gh.url}${path}`, { ...init, headers: { authorization: `token ${token}`, 'content-type': 'application/json', ...init.headers } });

  it('refuses the run token, a user, another runner, a wrong assignment and an unknown run; the holder gets the one repo\'s token', async () => {
    const repo = await addGitHubRepo(gh.repo);
    const [holder, bystander] = runners;
    const a = await heldRun(repo.id, holder.id);
    expect(a.repo.credentials).toBe('worker');

    expect(await code(await ask(a.runToken, q(a)), 401)).toBe('unauthorized'); // what an agent could hold or learn
    expect(await code(await owner.fetch(`/v1/git/credential${q(a)}`), 401)).toBe('unauthorized');
    expect(await code(await ask(null, q(a)), 401)).toBe('unauthorized');
    expect(await code(await ask(bystander.credential, q(a)), 403)).toBe('run_not_assigned');
    expect(await code(await ask(holder.credential, q(a, a.assignment + 1)), 403)).toBe('run_not_assigned');
    expect(await code(await ask(holder.credential, q({ runId: 'run-nobody-has', assignment: 1 })), 403)).toBe('run_not_assigned');
    expect(await code(await ask(holder.credential, `?runId=${a.runId}`), 400)).toBe('invalid_request');

    const res = await ask(holder.credential, q(a));
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cred = await json<{ username: string; password: string }>(res, 200);
    expect(cred.username).toBe('x-access-token');
    expect(cred.password).toMatch(/^ghs_/);

    // The token is the one repository's with contents: write — GitHub (the fake) refuses it elsewhere.
    const [owner_, name] = gh.repo.split('/');
    expect((await ghApi(cred.password, `/repos/${gh.repo}`)).status).toBe(200);
    const seen = await (await ghApi(cred.password, '/installation/repositories')).json() as { repositories: Array<{ full_name: string }> };
    expect(seen.repositories.map((r) => r.full_name)).toEqual([gh.repo]);
    expect((await ghApi(cred.password, `/repos/${gh.otherRepo}`)).status).toBe(404);
    const pr = await ghApi(cred.password, `/repos/${owner_}/${name}/pulls`, { method: 'POST', body: JSON.stringify({ title: 't', head: 'main', base: 'main' }) });
    expect(pr.status).toBe(403);
    expect(await pr.json()).toMatchObject({ message: 'Resource not accessible by integration' });

    // Cached in D1 for this repo: asked again, the same token.
    expect((await json<{ password: string }>(await ask(holder.credential, q(a)), 200)).password).toBe(cred.password);

    // A run of the other repository gets a token of its own, which cannot read the first one.
    const other = await heldRun((await addGitHubRepo(gh.otherRepo)).id, holder.id);
    const otherCred = await json<{ password: string }>(await ask(holder.credential, q(other)), 200);
    expect(otherCred.password).not.toBe(cred.password);
    expect((await ghApi(otherCred.password, `/repos/${gh.otherRepo}`)).status).toBe(200);
    expect((await ghApi(otherCred.password, `/repos/${gh.repo}`)).status).toBe(404);

    // Released (the runner declined or vanished): no longer its run, no credential.
    const taskId = a.taskId;
    await roomStub(taskId).release(a.runId, a.assignment, 'test: runner vanished');
    expect(await code(await ask(holder.credential, q(a)), 403)).toBe('run_not_assigned');
  });

  it('a held run of a repo registered by clone URL needs no credentials (404)', async () => {
    const a = await heldRun((await createRepo(owner, 'https://example.com/plain.git')).id, runners[0].id);
    expect(a.repo.credentials).toBe('none');
    expect(await code(await ask(runners[0].credential, q(a)), 404)).toBe('no_credentials');
  });

  it('with a personal access token connection the holder gets the token (it cannot be narrowed)', async () => {
    const put = await owner.fetch('/v1/github/connection', {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'token', token: gh.pat, apiBaseUrl: gh.url }),
    });
    expect(put.status).toBe(200);
    const repo = (await json<{ repo: Repo }>(await owner.post('/v1/repos', { github: { fullName: gh.repo } }), 201)).repo;
    const a = await heldRun(repo.id, runners[1].id);
    expect(await json(await ask(runners[1].credential, q(a)), 200)).toEqual({ username: 'x-access-token', password: gh.pat });
    expect(await code(await ask(a.runToken, q(a)), 401)).toBe('unauthorized');
  });
});
