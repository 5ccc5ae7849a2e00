import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Message, Repo, Run, Task } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, json, setupOwner } from './helpers/api.ts';
import { createMember, createRepo } from './helpers/fixtures.ts';

describe('tasks and messages', () => {
  let owner: Client;
  let repo: Repo;
  let task: Task;
  beforeAll(async () => {
    owner = await setupOwner();
    repo = await createRepo(owner);
  });

  it('creates a task: baseRef from the repo, title from the first line, first user message', async () => {
    const long = `${'Refactor the parser '.repeat(10)}\nsecond line`;
    const res = await owner.post('/v1/tasks', { repoId: repo.id, instruction: long });
    const body = await json<{ task: Task; message: Message }>(res, 201);
    task = body.task;
    expect(task).toMatchObject({ repoId: repo.id, baseRef: 'trunk', status: 'idle' });
    expect(task.title.length).toBeLessThanOrEqual(80);
    expect(task.title.startsWith('Refactor the parser')).toBe(true);
    expect(body.message).toMatchObject({ taskId: task.id, role: 'user', content: long.trim(), runId: null });
    const row = await env.DB.prepare('SELECT * FROM tasks WHERE id = ?').bind(task.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ repo_id: repo.id, base_ref: 'trunk', status: 'idle' });

    const explicit = await json<{ task: Task }>(await owner.post('/v1/tasks', {
      repoId: repo.id, instruction: 'x', baseRef: 'release/1.2', title: 'Custom',
    }), 201);
    expect(explicit.task).toMatchObject({ baseRef: 'release/1.2', title: 'Custom' });
  });

  it('lists newest first and gets one with messages and runs', async () => {
    const list = await json<{ tasks: Task[] }>(await owner.fetch('/v1/tasks'), 200);
    expect(list.tasks).toHaveLength(2);
    expect(list.tasks[0].title).toBe('Custom');
    const got = await json<{ task: Task; messages: Message[]; runs: Run[] }>(await owner.fetch(`/v1/tasks/${task.id}`), 200);
    expect(got.task.id).toBe(task.id);
    expect(got.messages).toHaveLength(1);
    expect(got.runs).toEqual([]);
  });

  it('posts and lists messages in order', async () => {
    const posted = await json<{ message: Message }>(await owner.post(`/v1/tasks/${task.id}/messages`, { content: 'also add tests' }), 201);
    expect(posted.message).toMatchObject({ role: 'user', content: 'also add tests' });
    const list = await json<{ messages: Message[] }>(await owner.fetch(`/v1/tasks/${task.id}/messages`), 200);
    expect(list.messages.map((m) => m.content)).toEqual([expect.stringContaining('Refactor'), 'also add tests']);
  });

  it('answers unknown and foreign ids with 404', async () => {
    for (const [path, init] of [
      ['/v1/tasks/unknown', undefined],
      ['/v1/tasks/unknown/messages', undefined],
      ['/v1/tasks/unknown/runs', undefined],
      ['/v1/runs/unknown', undefined],
    ] as const) {
      const res = await owner.fetch(path, init);
      expect(res.status, path).toBe(404);
      expect((await json<ApiErrorBody>(res)).error.code).toBe('not_found');
    }
    expect((await owner.post('/v1/tasks', { repoId: 'unknown', instruction: 'x' })).status).toBe(404);
    expect((await owner.post('/v1/tasks/unknown/messages', { content: 'x' })).status).toBe(404);
    expect((await owner.post('/v1/runs/unknown/cancel', {})).status).toBe(404);

    const member = await createMember('member@example.com');
    expect((await member.fetch(`/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await member.post('/v1/tasks', { repoId: repo.id, instruction: 'x' })).status).toBe(404);
    expect((await json<{ tasks: Task[] }>(await member.fetch('/v1/tasks'), 200)).tasks).toEqual([]);
  });

  it('answers wrong types with 400 naming the field', async () => {
    const res = await owner.post('/v1/tasks', { repoId: 42, instruction: ['no'] });
    const body = await json<ApiErrorBody>(res, 400);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/repoId/);
    expect(body.error.message).toMatch(/instruction/);
    const empty = await json<ApiErrorBody>(await owner.post(`/v1/tasks/${task.id}/messages`, { content: '   ' }), 400);
    expect(empty.error.message).toMatch(/content/);
  });

  it('answers malformed JSON with 400 and a non-JSON body with 415', async () => {
    const bad = await owner.fetch('/v1/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"repoId": ' });
    expect((await json<ApiErrorBody>(bad, 400)).error.code).toBe('invalid_json');
    const text = await owner.fetch('/v1/tasks', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect((await json<ApiErrorBody>(text, 415)).error.message).toMatch(/must be JSON/);
  });

  it('refuses a 5 MB body with 413 before parsing', async () => {
    const big = JSON.stringify({ repoId: repo.id, instruction: 'x'.repeat(5 * 1024 * 1024) });
    const res = await owner.fetch('/v1/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect((await json<ApiErrorBody>(res, 413)).error.code).toBe('payload_too_large');
    // Without a content-length (streamed), the limit still holds.
    const stream = new Blob([big]).stream();
    const chunked = await owner.fetch('/v1/tasks', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('answers unknown routes with a JSON 404', async () => {
    for (const res of [await owner.fetch('/v1/nope'), await anonymous().fetch('/v1/tasks/a/b/c'), await owner.fetch('/v1/tasks', { method: 'PUT' })]) {
      expect(res.status).toBe(404);
      expect((await json<ApiErrorBody>(res)).error.code).toBe('not_found');
    }
  });
});
