import { beforeAll, describe, expect, it } from 'vitest';
import type { Repo } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { appWith, json, setupOwner } from './helpers/api.ts';
import { createMember, createTask } from './helpers/fixtures.ts';

describe('repos', () => {
  let owner: Client;
  beforeAll(async () => {
    owner = await setupOwner();
  });

  it('registers an https clone URL', async () => {
    const res = await owner.post('/v1/repos', { cloneUrl: 'https://github.com/acme/widgets.git' });
    const { repo } = await json<{ repo: Repo }>(res, 201);
    expect(repo).toMatchObject({ cloneUrl: 'https://github.com/acme/widgets.git', defaultBranch: 'main', displayName: 'acme/widgets' });
    const list = await json<{ repos: Repo[] }>(await owner.fetch('/v1/repos'), 200);
    expect(list.repos.map((r) => r.id)).toContain(repo.id);
  });

  it("keeps what its attempts' sandboxes let through: hosts and caps (PATCH), validated, the owner's only", async () => {
    const { repo } = await json<{ repo: Repo }>(await owner.post('/v1/repos', { cloneUrl: 'https://github.com/acme/sandboxed.git' }), 201);
    expect(repo.sandbox).toEqual({ allowedHosts: [], limits: {} });
    const patch = (body: unknown, c = owner) => c.fetch(`/v1/repos/${repo.id}`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const sandbox = { allowedHosts: ['registry.npmjs.org', '*.pypi.org:443'], limits: { maxProcesses: 64, maxDiskMb: 200 } };
    expect((await json<{ repo: Repo }>(await patch({ sandbox }), 200)).repo.sandbox).toEqual(sandbox);
    expect((await json<{ repos: Repo[] }>(await owner.fetch('/v1/repos'), 200)).repos.find((r) => r.id === repo.id)?.sandbox).toEqual(sandbox);
    // Nothing to change: the repo as it is.
    expect((await json<{ repo: Repo }>(await patch({}), 200)).repo.sandbox).toEqual(sandbox);
    for (const bad of [{ allowedHosts: ['http://evil.example/'] }, { allowedHosts: ['a b'] }, { limits: { maxProcesses: 1 } }, { limits: { maxDiskMb: -5 } }]) {
      const body = await json<ApiErrorBody>(await patch({ sandbox: bad }), 400);
      expect(body.error.code, JSON.stringify(bad)).toBe('invalid_request');
    }
    expect((await json<ApiErrorBody>(await patch({ sandbox }, await createMember('sandbox-member@example.com')), 404)).error.code).toBe('not_found');
  });

  it('keeps whether its runs may change workflows (PATCH): off by default, a boolean, the owner\'s only', async () => {
    const { repo } = await json<{ repo: Repo }>(await owner.post('/v1/repos', { cloneUrl: 'https://github.com/acme/workflows.git' }), 201);
    expect(repo.allowWorkflowChanges).toBe(false);
    const patch = (body: unknown, c = owner) => c.fetch(`/v1/repos/${repo.id}`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await json<{ repo: Repo }>(await patch({ allowWorkflowChanges: true }), 200)).repo.allowWorkflowChanges).toBe(true);
    expect((await json<{ repos: Repo[] }>(await owner.fetch('/v1/repos'), 200)).repos.find((r) => r.id === repo.id)?.allowWorkflowChanges).toBe(true);
    // Another field leaves it as it is.
    expect((await json<{ repo: Repo }>(await patch({ displayName: 'wf' }), 200)).repo.allowWorkflowChanges).toBe(true);
    for (const bad of ['yes', 1, null]) {
      expect((await json<ApiErrorBody>(await patch({ allowWorkflowChanges: bad }), 400)).error.code, JSON.stringify(bad)).toBe('invalid_request');
    }
    expect((await json<ApiErrorBody>(await patch({ allowWorkflowChanges: false }, await createMember('workflow-member@example.com')), 404)).error.code).toBe('not_found');
    expect((await json<{ repo: Repo }>(await patch({ allowWorkflowChanges: false }), 200)).repo.allowWorkflowChanges).toBe(false);
  });

  it('refuses ssh://, file://, git:// and credentials in the URL with 400', async () => {
    const cases: [string, RegExp][] = [
      ['ssh://git@github.com/acme/widgets.git', /scheme ssh/],
      ['file:///srv/git/widgets.git', /scheme file/],
      ['git://github.com/acme/widgets.git', /scheme git/],
      ['https://x-access-token:ghp_secret@github.com/acme/widgets.git', /credentials/],
      ['not a url', /cloneUrl/],
    ];
    for (const [cloneUrl, message] of cases) {
      const res = await owner.post('/v1/repos', { cloneUrl });
      const body = await json<ApiErrorBody>(res, 400);
      expect(body.error.code, cloneUrl).toBe('invalid_request');
      expect(body.error.message, cloneUrl).toMatch(message);
      expect(JSON.stringify(body)).not.toContain('ghp_secret');
    }
  });

  it('refuses http and loopback unless private URLs are allowed', async () => {
    const strict = owner.with(appWith({ DURSOR_ALLOW_PRIVATE_URLS: 'false' }));
    expect((await json<ApiErrorBody>(await strict.post('/v1/repos', { cloneUrl: 'http://github.com/acme/w.git' }), 400)).error.message)
      .toMatch(/https/);
    expect((await json<ApiErrorBody>(await strict.post('/v1/repos', { cloneUrl: 'https://127.0.0.1:8080/w.git' }), 400)).error.message)
      .toMatch(/local or private/);
    // The test deployment allows them (local development), like `npm start` does.
    expect((await owner.post('/v1/repos', { cloneUrl: 'http://127.0.0.1:8080/w.git' })).status).toBe(201);
  });

  it('deletes a repo without tasks; keeps one with tasks; 404 for unknown and foreign ids', async () => {
    const a = (await json<{ repo: Repo }>(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/a.git' }), 201)).repo;
    const b = (await json<{ repo: Repo }>(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/b.git' }), 201)).repo;
    await createTask(owner, b.id);
    const member = await createMember('m@example.com');
    expect((await member.fetch(`/v1/repos/${a.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await json(await owner.fetch(`/v1/repos/${a.id}`, { method: 'DELETE' }), 200)).toEqual({ ok: true });
    expect((await json<ApiErrorBody>(await owner.fetch(`/v1/repos/${b.id}`, { method: 'DELETE' }), 409)).error.code).toBe('repo_in_use');
    expect((await owner.fetch('/v1/repos/unknown', { method: 'DELETE' })).status).toBe(404);
  });
});
