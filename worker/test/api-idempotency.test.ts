import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelProfile, Run, Task } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { appWith, json, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createMember, createProfile, createRepo, createTask } from './helpers/fixtures.ts';

const countRuns = async (taskId: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM runs WHERE task_id = ?').bind(taskId).first<{ n: number }>())!.n;

describe('Idempotency-Key', () => {
  let owner: Client;
  let profile: ModelProfile;
  let repoId: string;
  beforeAll(async () => {
    owner = await setupOwner();
    profile = await createProfile(owner);
    repoId = (await createRepo(owner)).id;
  });

  const runsBody = () => ({ attempts: [{ executor: 'patch-agent', modelProfileId: profile.id, count: 2 }] });

  it('two sequential POST runs with one key make one set of runs; the repeat is a replay', async () => {
    const task = await createTask(owner, repoId);
    const room = fakeTaskRoom();
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const first = await c.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'seq-1' });
    const firstText = await first.text();
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const second = await c.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'seq-1' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(firstText);
    expect(await countRuns(task.id)).toBe(2);
    expect(room.calls.createRuns).toHaveLength(1);
  });

  it('two concurrent POST runs with one key make one set of runs', async () => {
    const task = await createTask(owner, repoId);
    const room = fakeTaskRoom({ holdMs: 300 });
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const [a, b] = await Promise.all([
      c.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'conc-1' }),
      c.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'conc-1' }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const [ra, rb] = [await json<{ runs: Run[] }>(a), await json<{ runs: Run[] }>(b)];
    expect(ra.runs.map((r) => r.id)).toEqual(rb.runs.map((r) => r.id));
    expect([a, b].filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    expect(await countRuns(task.id)).toBe(2);
    expect(room.calls.createRuns).toHaveLength(1);
  });

  it('works on the other create routes, scoped per user', async () => {
    const key = { 'idempotency-key': 'repo-1' };
    const r1 = await json<{ repo: { id: string } }>(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/x.git' }, key), 201);
    const r2 = await json<{ repo: { id: string } }>(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/x.git' }, key), 201);
    expect(r2.repo.id).toBe(r1.repo.id);
    const member = await createMember('m@example.com');
    const r3 = await json<{ repo: { id: string } }>(await member.post('/v1/repos', { cloneUrl: 'https://example.com/x.git' }, key), 201);
    expect(r3.repo.id).not.toBe(r1.repo.id);

    const t1 = await json<{ task: Task }>(await owner.post('/v1/tasks', { repoId, instruction: 'x' }, { 'idempotency-key': 't' }), 201);
    const t2 = await json<{ task: Task }>(await owner.post('/v1/tasks', { repoId, instruction: 'x' }, { 'idempotency-key': 't' }), 201);
    expect(t2.task.id).toBe(t1.task.id);
  });

  it('replays a new token without storing it in plaintext', async () => {
    const key = { 'idempotency-key': 'tok-1' };
    const a = await json<{ token: string }>(await owner.post('/v1/auth/tokens', { name: 'ci' }, key), 201);
    const b = await json<{ token: string }>(await owner.post('/v1/auth/tokens', { name: 'ci' }, key), 201);
    expect(b.token).toBe(a.token);
    const stored = await env.DB.prepare("SELECT body FROM idempotency_keys WHERE key = 'tok-1'").first<{ body: string }>();
    expect(stored!.body).not.toContain(a.token);
    const n = await env.DB.prepare('SELECT COUNT(*) AS n FROM api_tokens').first<{ n: number }>();
    expect(n!.n).toBe(1);
  });

  it('the same key on another route is a 422; a malformed key a 400', async () => {
    const task = await createTask(owner, repoId);
    const res = await owner.post(`/v1/tasks/${task.id}/messages`, { content: 'hi' }, { 'idempotency-key': 'repo-1' });
    expect((await json<ApiErrorBody>(res, 422)).error.code).toBe('idempotency_key_reused');
    const bad = await owner.post(`/v1/tasks/${task.id}/messages`, { content: 'hi' }, { 'idempotency-key': 'has spaces' });
    expect(bad.status).toBe(400);
  });

  it('the same key with a different body is a 422 and changes nothing; the same body still replays', async () => {
    const key = { 'idempotency-key': 'body-1' };
    const first = await json<{ repo: { id: string } }>(await owner.post('/v1/repos', { cloneUrl: 'https://example.com/a.git' }, key), 201);
    const other = await owner.post('/v1/repos', { cloneUrl: 'https://example.com/b.git' }, key);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect((await json<ApiErrorBody>(other, 422)).error).toEqual({
      code: 'idempotency_key_reused',
      message: 'this Idempotency-Key was already used with a different request body; use a new key for a new request',
    });
    const repos = await env.DB.prepare("SELECT COUNT(*) AS n FROM repos WHERE clone_url = 'https://example.com/b.git'").first<{ n: number }>();
    expect(repos!.n).toBe(0);
    const again = await owner.post('/v1/repos', { cloneUrl: 'https://example.com/a.git' }, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<{ repo: { id: string } }>(again, 201)).repo.id).toBe(first.repo.id);
  });

  it('a concurrent repeat with a different body is a 422 too', async () => {
    const task = await createTask(owner, repoId);
    const room = fakeTaskRoom({ holdMs: 300 });
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const [a, b] = await Promise.all([
      c.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'conc-body' }),
      c.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id, count: 3 }] },
        { 'idempotency-key': 'conc-body' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    expect(room.calls.createRuns).toHaveLength(1);
  });

  it('a server error frees the key so a retry can succeed', async () => {
    const task = await createTask(owner, repoId);
    const down = owner.with(appWith({ TASK_ROOM: fakeTaskRoom({ fail: true }).TASK_ROOM }));
    expect((await down.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'retry-1' })).status).toBe(503);
    const room = fakeTaskRoom();
    const up = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const ok = await up.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'retry-1' });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
    expect(room.calls.createRuns).toHaveLength(1);
  });

  it('a repeat while the first is still running waits, then answers 409; a dead placeholder is taken over', async () => {
    const task = await createTask(owner, repoId);
    const userId = (await env.DB.prepare('SELECT id FROM users WHERE role = ?').bind('owner').first<{ id: string }>())!.id;
    const route = `POST /v1/tasks/${task.id}/runs`;
    const insert = (key: string, createdAt: number) => env.DB.prepare(
      'INSERT INTO idempotency_keys (user_id, key, route, status, body, created_at) VALUES (?, ?, ?, NULL, NULL, ?)',
    ).bind(userId, key, route, createdAt).run();
    const c = owner.with(appWith({ TASK_ROOM: fakeTaskRoom().TASK_ROOM }));

    await insert('busy', Date.now());
    const started = Date.now();
    const busy = await c.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'busy' });
    expect((await json<ApiErrorBody>(busy, 409)).error.code).toBe('idempotency_in_progress');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(await countRuns(task.id)).toBe(0);

    await insert('dead', Date.now() - 120_000);
    expect((await c.post(`/v1/tasks/${task.id}/runs`, runsBody(), { 'idempotency-key': 'dead' })).status).toBe(201);
    expect(await countRuns(task.id)).toBe(2);
  }, 15_000);
});
