/**
 * Runs through the real routes and D1, with a recording fake TaskRoom (helpers/fake-durables.ts)
 * so what the routes hand over, and how they react to a failing DO, is checked on its own.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Message, ModelProfile, Run, Task } from '../../protocol/src/index.ts';
import { LIMITS } from '../../protocol/src/index.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { appWith, json, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createMember, createProfile, createRepo, createTask } from './helpers/fixtures.ts';

const runRows = (taskId: string) =>
  env.DB.prepare('SELECT * FROM runs WHERE task_id = ? ORDER BY attempt').bind(taskId).all<Record<string, unknown>>()
    .then((r) => r.results);

describe('runs', () => {
  let owner: Client;
  let profileA: ModelProfile;
  let profileB: ModelProfile;
  let repoUrl: string;
  let task: Task;
  beforeAll(async () => {
    owner = await setupOwner();
    const repo = await createRepo(owner, 'http://127.0.0.1:9418/widgets.git');
    repoUrl = repo.cloneUrl;
    profileA = await createProfile(owner, { model: 'model-a' });
    profileB = await createProfile(owner, { provider: 'openai', model: 'gpt-5-mini', baseUrl: undefined });
    task = await createTask(owner, repo.id, 'Add a README');
  });

  it('creates one queued run per attempt × count and hands them to the TaskRoom', async () => {
    const room = fakeTaskRoom();
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const res = await c.post(`/v1/tasks/${task.id}/runs`, {
      attempts: [{ executor: 'patch-agent', modelProfileId: profileA.id, count: 2 }, { executor: 'patch-agent', modelProfileId: profileB.id }],
    });
    const body = await json<{ runs: Run[]; message: Message }>(res, 201);
    expect(body.message.content).toBe('Add a README');
    expect(body.runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    for (const r of body.runs) {
      expect(r).toMatchObject({ taskId: task.id, messageId: body.message.id, status: 'queued', executor: 'patch-agent' });
      expect(r.branch).toBe(`dursor/${task.id}/${r.id}`);
      expect(r.id).toMatch(/^[0-9a-f]{32}$/);
    }

    const rows = await runRows(task.id);
    expect(rows.map((r) => [r.attempt, r.status, r.model_profile_id, r.branch])).toEqual(
      body.runs.map((r, i) => [i + 1, 'queued', i < 2 ? profileA.id : profileB.id, r.branch]),
    );

    expect(room.calls.names).toEqual([task.id]);
    expect(room.calls.createRuns).toHaveLength(1);
    const handed = room.calls.createRuns[0];
    expect(handed.taskId).toBe(task.id);
    expect(handed.runs.map((r) => r.runId)).toEqual(body.runs.map((r) => r.id));
    expect(handed.runs[0]).toEqual({
      runId: body.runs[0].id, attempt: 1, branch: body.runs[0].branch, instruction: 'Add a README', history: [],
      repo: { cloneUrl: repoUrl, baseRef: 'trunk', credentials: 'none' },
      executor: { id: 'patch-agent', provider: 'openai-compatible', model: 'model-a', gatewayPath: '/v1/llm/openai' },
      limits: { maxTurns: LIMITS.defaultMaxTurns, maxTokens: LIMITS.defaultMaxTokens, maxFileBytes: LIMITS.defaultMaxFileBytes },
    });
    expect(handed.runs[2].executor).toEqual({ id: 'patch-agent', provider: 'openai', model: 'gpt-5-mini', gatewayPath: '/v1/llm/openai' });

    const t = await json<{ task: Task; runs: Run[] }>(await owner.fetch(`/v1/tasks/${task.id}`), 200);
    // The task's status is TaskRoom's to write (the fake room here does not): the route leaves it.
    expect(t.task.status).toBe('idle');
    expect(t.runs).toHaveLength(3);
    expect(t.runs[0]).not.toHaveProperty('patch');
  });

  it('a follow-up message becomes the instruction of the new round', async () => {
    const room = fakeTaskRoom();
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const res = await c.post(`/v1/tasks/${task.id}/runs`, {
      message: 'Now add a license', attempts: [{ executor: 'patch-agent', modelProfileId: profileA.id }],
    });
    const body = await json<{ runs: Run[]; message: Message }>(res, 201);
    expect(body.message).toMatchObject({ role: 'user', content: 'Now add a license' });
    expect(body.runs[0]).toMatchObject({ attempt: 1, messageId: body.message.id });
    expect(room.calls.createRuns[0].runs[0].instruction).toBe('Now add a license');
    const msgs = await json<{ messages: Message[] }>(await owner.fetch(`/v1/tasks/${task.id}/messages`), 200);
    expect(msgs.messages.at(-1)?.id).toBe(body.message.id);

  });

  it('a retry answers an earlier message (messageId), not the latest', async () => {
    const room = fakeTaskRoom();
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const other = await createTask(owner, (await createRepo(owner, 'http://127.0.0.1:9418/other.git')).id, 'First instruction');
    const attempts = [{ executor: 'patch-agent', modelProfileId: profileA.id }];
    await json(await c.post(`/v1/tasks/${other.id}/runs`, { message: 'Second instruction', attempts }), 201);
    const first = (await json<{ messages: Message[] }>(await owner.fetch(`/v1/tasks/${other.id}/messages`), 200)).messages[0];
    const retry = await json<{ runs: Run[]; message: Message }>(await c.post(`/v1/tasks/${other.id}/runs`, { messageId: first.id, attempts }), 201);
    expect(retry.runs[0].messageId).toBe(first.id);
    expect(room.calls.createRuns.at(-1)!.runs[0]).toMatchObject({ instruction: 'First instruction', history: [] });
    expect((await c.post(`/v1/tasks/${other.id}/runs`, { messageId: 'nope', attempts })).status).toBe(404);
    const both = await json<ApiErrorBody>(await c.post(`/v1/tasks/${other.id}/runs`, { message: 'x', messageId: first.id, attempts }), 400);
    expect(both.error.message).toMatch(/messageId: give either message/);
  });

  it('a retry records the run it retries and takes the next attempt number of that run’s round', async () => {
    const room = fakeTaskRoom();
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const t = await createTask(owner, (await createRepo(owner, 'http://127.0.0.1:9418/retry.git')).id, 'First round');
    const one = [{ executor: 'patch-agent', modelProfileId: profileA.id }];
    const first = await json<{ runs: Run[]; message: Message }>(await c.post(`/v1/tasks/${t.id}/runs`, { attempts: [{ ...one[0], count: 2 }] }), 201);
    const second = await json<{ runs: Run[]; message: Message }>(await c.post(`/v1/tasks/${t.id}/runs`, { message: 'Second round', attempts: one }), 201);
    expect([...first.runs, ...second.runs].map((r) => [r.attempt, r.retryOfRunId])).toEqual([[1, null], [2, null], [1, null]]);

    // Retrying attempt 1 of round 1 (after round 2 started): attempt 3 of round 1, not a second "attempt 1".
    const retry = await json<{ runs: Run[]; message: Message }>(await c.post(`/v1/tasks/${t.id}/runs`, { retryOfRunId: first.runs[0].id, attempts: one }), 201);
    expect(retry.runs[0]).toMatchObject({ attempt: 3, retryOfRunId: first.runs[0].id, messageId: first.message.id });
    expect(retry.message.id).toBe(first.message.id);
    expect(room.calls.createRuns.at(-1)!.runs[0]).toMatchObject({ attempt: 3, instruction: 'First round' });
    const again = await json<{ runs: Run[] }>(await c.post(`/v1/tasks/${t.id}/runs`, { retryOfRunId: retry.runs[0].id, messageId: first.message.id, attempts: one }), 201);
    expect(again.runs[0]).toMatchObject({ attempt: 4, retryOfRunId: retry.runs[0].id });
    // A retry in round 2 continues round 2's numbering.
    const r2 = await json<{ runs: Run[] }>(await c.post(`/v1/tasks/${t.id}/runs`, { retryOfRunId: second.runs[0].id, attempts: one }), 201);
    expect(r2.runs[0]).toMatchObject({ attempt: 2, messageId: second.message.id });
    const listed = (await json<{ runs: Run[] }>(await owner.fetch(`/v1/tasks/${t.id}/runs`), 200)).runs;
    expect(listed.find((r) => r.id === retry.runs[0].id)).toMatchObject({ attempt: 3, retryOfRunId: first.runs[0].id });

    // Refused: a run of another task, more than one attempt, a new message, another message.
    expect((await c.post(`/v1/tasks/${t.id}/runs`, { retryOfRunId: 'nope', attempts: one })).status).toBe(404);
    const otherTask = await createTask(owner, (await createRepo(owner, 'http://127.0.0.1:9418/retry-other.git')).id);
    expect((await c.post(`/v1/tasks/${otherTask.id}/runs`, { retryOfRunId: first.runs[0].id, attempts: one })).status).toBe(404);
    const two = await json<ApiErrorBody>(await c.post(`/v1/tasks/${t.id}/runs`, { retryOfRunId: first.runs[0].id, attempts: [{ ...one[0], count: 2 }] }), 400);
    expect(two.error.message).toMatch(/retryOfRunId: a retry is one attempt/);
    expect((await c.post(`/v1/tasks/${t.id}/runs`, { retryOfRunId: first.runs[0].id, message: 'x', attempts: one })).status).toBe(400);
    const wrongMessage = await json<ApiErrorBody>(await c.post(`/v1/tasks/${t.id}/runs`, { retryOfRunId: first.runs[0].id, messageId: second.message.id, attempts: one }), 400);
    expect(wrongMessage.error.message).toMatch(/messageId: a retry answers the message of the run it retries/);
  });

  it('refuses bad attempts: missing or foreign profile, too many, wrong types', async () => {
    const room = fakeTaskRoom();
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const before = (await runRows(task.id)).length;
    const noProfile = await json<ApiErrorBody>(await c.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent' }] }), 400);
    expect(noProfile.error.message).toMatch(/attempts\.0\.modelProfileId/);
    expect((await c.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: 'nope' }] })).status).toBe(404);

    const member = await createMember('member@example.com');
    const foreign = await createProfile(member);
    expect((await c.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: foreign.id }] })).status).toBe(404);
    expect((await member.with(appWith({ TASK_ROOM: room.TASK_ROOM }))
      .post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: foreign.id }] })).status).toBe(404);

    const tooMany = await c.post(`/v1/tasks/${task.id}/runs`, {
      attempts: [3, 8, 6].map((count) => ({ executor: 'patch-agent', modelProfileId: profileA.id, count })),
    });
    expect((await json<ApiErrorBody>(tooMany, 400)).error.message).toMatch(new RegExp(`at most ${LIMITS.maxAttemptsPerRound}`));
    const wrong = await c.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'rm -rf', count: 'two' }] });
    const wrongBody = await json<ApiErrorBody>(wrong, 400);
    expect(wrongBody.error.message).toMatch(/attempts\.0\.executor/);
    expect(wrongBody.error.message).toMatch(/attempts\.0\.count/);
    expect((await c.post(`/v1/tasks/${task.id}/runs`, { attempts: [] })).status).toBe(400);

    expect((await runRows(task.id)).length).toBe(before);
    expect(room.calls.createRuns).toEqual([]);
  });

  it('a failing TaskRoom gives a clean 503 and leaves no run queued', async () => {
    const c = owner.with(appWith({ TASK_ROOM: fakeTaskRoom({ fail: true }).TASK_ROOM }));
    const t2 = await createTask(owner, (await createRepo(owner)).id);
    const res = await c.post(`/v1/tasks/${t2.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profileA.id }] });
    const body = await json<ApiErrorBody>(res, 503);
    expect(body.error.code).toBe('task_room_unavailable');
    expect(JSON.stringify(body)).not.toMatch(/fake task room|at /);
    const rows = await runRows(t2.id);
    expect(rows.map((r) => r.status)).toEqual(['failed']);
    expect((await json<{ task: Task }>(await owner.fetch(`/v1/tasks/${t2.id}`), 200)).task.status).toBe('idle');
  });

  it('lists runs, gets one with its patch, and cancels through the TaskRoom', async () => {
    const runs = (await json<{ runs: Run[] }>(await owner.fetch(`/v1/tasks/${task.id}/runs`), 200)).runs;
    expect(runs.length).toBe(4);
    const target = runs[0];
    await env.DB.prepare("UPDATE runs SET patch = 'diff --git a/x b/x', files = ? WHERE id = ?")
      .bind(JSON.stringify([{ path: 'x', status: 'added', additions: 1, deletions: 0 }]), target.id).run();
    const one = await json<{ run: Run }>(await owner.fetch(`/v1/runs/${target.id}`), 200);
    expect(one.run.patch).toBe('diff --git a/x b/x');
    expect(one.run.files).toEqual([{ path: 'x', status: 'added', additions: 1, deletions: 0 }]);

    const room = fakeTaskRoom({ cancelStatus: 'cancelled' });
    const c = owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }));
    const cancelled = await json<{ run: Run }>(await c.post(`/v1/runs/${target.id}/cancel`, {}), 200);
    expect(cancelled.run).toMatchObject({ id: target.id, status: 'cancelled' });
    expect(room.calls.cancelRun).toEqual([target.id]);
    expect(room.calls.names).toEqual([task.id]);

    // Already terminal: answered from D1, the room is not bothered.
    await env.DB.prepare("UPDATE runs SET status = 'succeeded' WHERE id = ?").bind(target.id).run();
    const again = await json<{ run: Run }>(await c.post(`/v1/runs/${target.id}/cancel`, {}), 200);
    expect(again.run.status).toBe('succeeded');
    expect(room.calls.cancelRun).toHaveLength(1);

    const down = owner.with(appWith({ TASK_ROOM: fakeTaskRoom({ fail: true }).TASK_ROOM }));
    expect((await json<ApiErrorBody>(await down.post(`/v1/runs/${runs[1].id}/cancel`, {}), 503)).error.code).toBe('task_room_unavailable');

    const member = await createMember('other@example.com');
    expect((await member.fetch(`/v1/runs/${target.id}`)).status).toBe(404);
    expect((await member.with(appWith({ TASK_ROOM: room.TASK_ROOM })).post(`/v1/runs/${runs[1].id}/cancel`, {})).status).toBe(404);
  });
});
