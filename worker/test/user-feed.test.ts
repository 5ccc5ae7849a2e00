/**
 * GET /v1/live, the user's feed socket (issue 9: the sidebar is live instead of polled): a tab
 * hears about a task when it is created and whenever its TaskRoom writes the task's status, and
 * never about another user's tasks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run, Task } from '../../protocol/src/index.ts';
import { FeedToViewer } from '../../protocol/src/index.ts';
import { shapeViolation } from '../../protocol/test/golden/golden.ts';
import { TestSocket } from './do-helpers/test-socket.ts';
import type { ApiErrorBody, Client } from './helpers/api.ts';
import { anonymous, json, setupOwner } from './helpers/api.ts';
import { createMember, createProfile, createRepo, createTask } from './helpers/fixtures.ts';

async function feed(c: Client): Promise<TestSocket> {
  const res = await c.fetch('/v1/live', { headers: { upgrade: 'websocket' } });
  expect(res.status).toBe(101);
  const socket = new TestSocket(res.webSocket!);
  const hello = await socket.next();
  expect(FeedToViewer.parse(hello)).toEqual({ type: 'hello' });
  expect(shapeViolation('feedToViewer', hello)).toBeNull();
  return socket;
}

/** The next `task` message about `taskId` whose status is `status`, parsed with the protocol schema. */
async function taskUpdate(socket: TestSocket, taskId: string, status: (s: Task['status']) => boolean): Promise<Task> {
  for (;;) {
    const raw = await socket.nextOfType('task', 5000);
    // Every task row the UserFeed sends has the golden shape (protocol/test/golden/feed-to-viewer.task.json).
    expect(shapeViolation('feedToViewer', raw)).toBeNull();
    const msg = FeedToViewer.parse(raw);
    if (msg.type === 'task' && msg.task.id === taskId && status(msg.task.status)) return msg.task;
  }
}

describe('user feed', () => {
  let owner: Client;
  beforeAll(async () => {
    owner = await setupOwner();
  });

  it('needs a signed-in user and an upgrade', async () => {
    expect((await anonymous().fetch('/v1/live', { headers: { upgrade: 'websocket' } })).status).toBe(401);
    expect((await json<ApiErrorBody>(await owner.fetch('/v1/live'), 426)).error.code).toBe('upgrade_required');
  });

  it("sends each task's list row when it is created and when its runs move its status", async () => {
    const socket = await feed(owner);
    const member = await feed(await createMember('feed-member@example.com'));
    const repo = await createRepo(owner);
    const task = await createTask(owner, repo.id);
    expect(await taskUpdate(socket, task.id, (s) => s === 'idle')).toMatchObject({ id: task.id, title: task.title });

    const profile = await createProfile(owner);
    const { runs } = await json<{ runs: Run[] }>(
      await owner.post(`/v1/tasks/${task.id}/runs`, { attempts: [{ executor: 'patch-agent', modelProfileId: profile.id }] }), 201);
    const running = await taskUpdate(socket, task.id, (s) => s === 'running');
    expect(running.updatedAt).toBeGreaterThanOrEqual(task.updatedAt);

    await json(await owner.post(`/v1/runs/${runs[0].id}/cancel`, {}), 200);
    const ended = await taskUpdate(socket, task.id, (s) => s !== 'running');
    // What the feed says is what the list says.
    const { tasks } = await json<{ tasks: Task[] }>(await owner.fetch('/v1/tasks'), 200);
    expect(tasks.find((t) => t.id === task.id)?.status).toBe(ended.status);

    // Another user's tab heard nothing of it.
    expect(member.unread()).toEqual([]);
    socket.close();
    member.close();
  });
});
