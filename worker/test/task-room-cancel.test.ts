/**
 * TaskRoom cancel (queued, running, before the runner attached, deadline passed) and the
 * write-back of results to D1 (runs row, assistant message, task status).
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '../../protocol/src/index.ts';
import { d1Run, d1TaskStatus, seedTask } from './do-helpers/seed.ts';
import { busyRunner, cleanup, ev, expire, openRunStream, openViewer, poolOffers, roomRun, roomStub, storedEvents } from './do-helpers/stubs.ts';

afterEach(cleanup);
// Claims are driven by hand here; a busy runner offering the agent keeps the pool from warning that none does.
beforeEach(async () => {
  await busyRunner();
});

async function created(count: number) {
  const task = await seedTask(count);
  const room = roomStub(task.taskId);
  await room.createRuns(task.taskId, task.runs);
  return { task, room, ids: task.runs.map((r) => r.runId) };
}

describe('cancelRun', () => {
  it('cancels a queued run at once and withdraws it from the pool', async () => {
    const { task, room, ids: [runId] } = await created(1);
    expect((await poolOffers()).map((o) => o.run_id)).toContain(runId);
    expect(await room.cancelRun(runId)).toBe('cancelled');
    expect((await poolOffers()).map((o) => o.run_id)).not.toContain(runId);
    expect(await d1Run(runId)).toMatchObject({ status: 'cancelled', error: 'cancelled by user' });
    // Its only attempt was cancelled: the task is cancelled, not failed.
    expect(await d1TaskStatus(task.taskId)).toBe('cancelled');
    expect(await room.claim(runId, 'runner-a')).toBeNull();
    expect(await room.cancelRun(runId)).toBe('cancelled');
  });

  it('sends cancel down a running run socket; the runner’s cancelled result ends the run', async () => {
    const { task, room, ids: [runId] } = await created(1);
    await room.claim(runId, 'runner-a');
    const sock = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await sock.next();
    sock.send({ type: 'frame', frame: 1, events: [ev.status(runId, 'running')] });
    await sock.nextOfType('ack');

    expect(await room.cancelRun(runId)).toBe('running');
    expect(await sock.next()).toEqual({ type: 'cancel', reason: 'cancelled by user' });
    sock.send({ type: 'frame', frame: 2, events: [ev.result(runId, 'cancelled', { error: 'interrupted by user' })] });
    await sock.nextOfType('ack');
    // D1 is written after the ack (the DO's own storage is the source of truth).
    await vi.waitFor(async () => expect(await d1Run(runId)).toMatchObject({ status: 'cancelled', error: 'interrupted by user' }));
    expect(await room.cancelRun(runId)).toBe('cancelled');
  });

  it('tells a runner that attaches later in `attached`', async () => {
    const { task, room, ids: [runId] } = await created(1);
    await room.claim(runId, 'runner-a');
    expect(await room.cancelRun(runId)).toBe('assigned');
    const sock = await openRunStream(task.taskId, runId, 1, 'runner-a');
    expect(await sock.next()).toEqual({ type: 'attached', lastFrame: 0, cancelRequested: true, answersPing: true });
  });

  it('cancels the run itself when the runner does not confirm before the deadline', async () => {
    const { task, room, ids: [runId] } = await created(1);
    await room.claim(runId, 'runner-a');
    const sock = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await sock.next();
    await room.cancelRun(runId);
    await sock.nextOfType('cancel');
    await expire(task.taskId, runId, 'cancel_deadline');
    await runDurableObjectAlarm(room);
    expect((await sock.waitClose()).code).toBe(CLOSE_CODES.staleAssignment);
    expect(await d1Run(runId)).toMatchObject({ status: 'cancelled', error: 'runner did not confirm cancel' });
  });

  it('a declined assignment with a pending cancel ends cancelled, not queued', async () => {
    const { room, ids: [runId] } = await created(1);
    await room.claim(runId, 'runner-a');
    await room.cancelRun(runId);
    await room.release(runId, 1, 'runner busy');
    expect(await d1Run(runId)).toMatchObject({ status: 'cancelled' });
  });
});

describe('D1 write-back', () => {
  it('writes the result, an assistant message and the task status', async () => {
    const { task, room, ids: [first, second] } = await created(2);
    const viewer = await openViewer(task.taskId, 2);
    await room.claim(first, 'runner-a');
    const sock = await openRunStream(task.taskId, first, 1, 'runner-a');
    await sock.next();
    const files = [{ path: 'README.md', status: 'added', additions: 3, deletions: 0 }];
    sock.send({
      type: 'frame', frame: 1, events: [
        ev.status(first, 'preparing'), ev.status(first, 'running'), ev.text(first, 'writing README'), ev.status(first, 'finishing'),
        ev.result(first, 'succeeded', {
          branch: `dursor/${task.taskId}/${first}`, baseCommit: 'a'.repeat(40), headCommit: 'b'.repeat(40),
          patch: '--- /dev/null\n+++ b/README.md\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n', files,
          stats: { files: 1, additions: 3, deletions: 0 }, summary: 'Added a README.',
        }),
      ],
    });
    await sock.nextOfType('ack');
    await vi.waitFor(async () => expect((await d1Run(first))?.status).toBe('succeeded'));
    const row = await d1Run(first);
    expect(row).toMatchObject({
      status: 'succeeded', runner_id: 'runner-a', base_commit: 'a'.repeat(40), head_commit: 'b'.repeat(40),
      files_changed: 1, additions: 3, deletions: 0, summary: 'Added a README.', error: null,
    });
    expect(JSON.parse(row!.files as string)).toEqual(files);
    expect(row!.patch).toContain('+++ b/README.md');
    expect(row!.started_at).toBeTypeOf('number');
    expect(row!.finished_at).toBeTypeOf('number');
    // The other run is still queued, so the task is still running.
    expect(await d1TaskStatus(task.taskId)).toBe('running');
    const msgs = await env.DB.prepare(`SELECT * FROM messages WHERE task_id = ? AND role = 'assistant'`).bind(task.taskId).all();
    expect(msgs.results).toMatchObject([{ run_id: first, content: 'Added a README.' }]);

    // The viewer saw every status change, the result, then the terminal status, in seq order.
    const seen: string[] = [];
    while (seen.length < 7) for (const e of (await viewer.nextOfType('events')).events) seen.push(e.type === 'status' ? e.status : e.type);
    expect(seen).toEqual(['assigned', 'preparing', 'running', 'text', 'finishing', 'result', 'succeeded']);

    await room.cancelRun(second);
    expect(await d1TaskStatus(task.taskId)).toBe('done');
    expect((await storedEvents(task.taskId)).at(-1)).toMatchObject({ runId: second, status: 'cancelled' });
  });

  it('the alarm writes runs that D1 missed', async () => {
    const { task, room, ids: [runId] } = await created(1);
    await room.cancelRun(runId);
    // Simulate a lost write-back: D1 still says queued and the room knows it is behind.
    await env.DB.prepare(`UPDATE runs SET status = 'queued' WHERE id = ?`).bind(runId).run();
    await runInDurableObject(room, async (_, ctx) => {
      ctx.storage.sql.exec('UPDATE runs SET synced_version = 0 WHERE run_id = ?', runId);
      await ctx.storage.setAlarm(Date.now() + 60_000);
    });
    await runDurableObjectAlarm(room);
    expect(await d1Run(runId)).toMatchObject({ status: 'cancelled' });
    expect(await d1TaskStatus(task.taskId)).toBe('cancelled');
    expect((await roomRun(task.taskId, runId)).synced_version).toBeGreaterThan(0);
  });

  it('marks the task failed when every run failed, or some failed and the rest were cancelled', async () => {
    const { task, room, ids: [runId, other] } = await created(2);
    await room.cancelRun(other);
    expect(await d1TaskStatus(task.taskId)).toBe('running');
    await room.claim(runId, 'runner-a');
    const sock = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await sock.next();
    sock.send({ type: 'frame', frame: 1, events: [ev.result(runId, 'failed', { error: 'policy: .env may not be committed' })] });
    await sock.nextOfType('ack');
    await vi.waitFor(async () => expect(await d1Run(runId)).toMatchObject({ status: 'failed', error: 'policy: .env may not be committed' }));
    expect(await d1TaskStatus(task.taskId)).toBe('failed');
    const msgs = await env.DB.prepare(`SELECT content FROM messages WHERE run_id = ?`).bind(runId).all();
    expect(msgs.results).toEqual([{ content: 'Run failed: policy: .env may not be committed' }]);
  });
});
