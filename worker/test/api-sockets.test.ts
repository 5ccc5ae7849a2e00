/** Viewer and run sockets: authorisation and forwarding only (the DOs serve them). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run, Task } from '../../protocol/src/index.ts';
import { HEADER_RUNNER_ID, HEADER_USER_ID } from '../src/lib/internal-headers.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, appWith, client, json, setupOwner } from './helpers/api.ts';
import { fakeTaskRoom } from './helpers/fake-durables.ts';
import { createMember, createProfile, createRepo, createTask } from './helpers/fixtures.ts';

const upgrade = { upgrade: 'websocket' };

describe('socket routes', () => {
  let owner: Client;
  let task: Task;
  let run: Run;
  let runner: Client;
  let runnerId = '';
  beforeAll(async () => {
    owner = await setupOwner();
    task = await createTask(owner, (await createRepo(owner)).id);
    const profile = await createProfile(owner);
    const room = fakeTaskRoom();
    run = (await json<{ runs: Run[] }>(await owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }))
      .post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id }] }), 201)).runs[0];
    const reg = await json<{ registrationToken: { token: string } }>(await owner.post('/v1/runners/registration-tokens', {}), 201);
    const r = await json<{ runnerId: string; credential: string }>(
      await anonymous().post('/v1/runners/register', { registrationToken: reg.registrationToken.token, name: 'r' }), 201);
    runner = client({ authorization: `Bearer ${r.credential}` });
    runnerId = r.runnerId;
  });

  it('viewer socket: 401 anonymous, 404 foreign/unknown task, 400 bad after, 426 without upgrade', async () => {
    expect((await anonymous().fetch(`/v1/tasks/${task.id}/live`, { headers: upgrade })).status).toBe(401);
    expect((await runner.fetch(`/v1/tasks/${task.id}/live`, { headers: upgrade })).status).toBe(403);
    const member = await createMember('m@example.com');
    expect((await member.fetch(`/v1/tasks/${task.id}/live`, { headers: upgrade })).status).toBe(404);
    expect((await owner.fetch('/v1/tasks/unknown/live', { headers: upgrade })).status).toBe(404);
    expect((await owner.fetch(`/v1/tasks/${task.id}/live?after=-1`, { headers: upgrade })).status).toBe(400);
    expect((await json<ApiErrorBody>(await owner.fetch(`/v1/tasks/${task.id}/live`), 426)).error.code).toBe('upgrade_required');
  });

  it('viewer socket: forwards the upgrade to the task room with the user id, not the cookie', async () => {
    const room = fakeTaskRoom();
    const res = await owner.with(appWith({ TASK_ROOM: room.TASK_ROOM }))
      .fetch(`/v1/tasks/${task.id}/live?after=17`, { headers: { ...upgrade, [HEADER_USER_ID]: 'spoofed' } });
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close();
    expect(room.calls.names).toEqual([task.id]);
    const fwd = room.calls.fetch[0];
    expect(fwd.url).toBe('https://task-room/live?after=17');
    expect(fwd.headers.get('upgrade')).toBe('websocket');
    expect(fwd.headers.get(HEADER_USER_ID)).toMatch(/^[0-9a-f]{32}$/);
    expect(fwd.headers.get('cookie')).toBeNull();

    const down = owner.with(appWith({ TASK_ROOM: fakeTaskRoom({ fail: true }).TASK_ROOM }));
    expect((await json<ApiErrorBody>(await down.fetch(`/v1/tasks/${task.id}/live`, { headers: upgrade }), 503)).error.code)
      .toBe('task_room_unavailable');
  });

  it('run socket: needs a runner credential, an assignment, a known run, an upgrade', async () => {
    const path = `/v1/runs/${run.id}/stream?assignment=1`;
    expect((await anonymous().fetch(path, { headers: upgrade })).status).toBe(401);
    expect((await owner.fetch(path, { headers: upgrade })).status).toBe(401);
    expect((await runner.fetch(`/v1/runs/${run.id}/stream`, { headers: upgrade })).status).toBe(400);
    expect((await runner.fetch(`/v1/runs/${run.id}/stream?assignment=0`, { headers: upgrade })).status).toBe(400);
    expect((await runner.fetch('/v1/runs/unknown/stream?assignment=1', { headers: upgrade })).status).toBe(404);
    expect((await runner.fetch(path)).status).toBe(426);
  });

  it('run socket: one its task room refuses is answered 4xx as JSON before the upgrade (issue 11)', async () => {
    // The run was created beside a fake room: the real one does not know it.
    const res = await runner.fetch(`/v1/runs/${run.id}/stream?assignment=1`, { headers: upgrade });
    expect(res.webSocket).toBeNull();
    expect((await json<ApiErrorBody>(res, 404)).error.code).toBe('not_found');
  });

  it('run socket: forwards to the run\'s task room with the runner id', async () => {
    const room = fakeTaskRoom();
    const res = await runner.with(appWith({ TASK_ROOM: room.TASK_ROOM }))
      .fetch(`/v1/runs/${run.id}/stream?assignment=3`, { headers: upgrade });
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close();
    expect(room.calls.names).toEqual([task.id]);
    const fwd = room.calls.fetch[0];
    expect(fwd.url).toBe(`https://task-room/run-stream?runId=${run.id}&assignment=3`);
    expect(fwd.headers.get(HEADER_RUNNER_ID)).toBe(runnerId);
    expect(fwd.headers.get('authorization')).toBeNull();
  });
});
