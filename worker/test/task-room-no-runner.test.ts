/**
 * A queued run for an agent no connected runner offers (issue 9): it says so in its log at once,
 * and fails after the wait (DURSOR_NO_RUNNER_MS) unless a runner offering the agent connected;
 * a run whose agent is offered never gets the warning.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutorId } from '../../protocol/src/index.ts';
import { d1Run, seedTask } from './do-helpers/seed.ts';
import { cleanup, openRunner, poolOffers, roomRun, roomStub, storedEvents } from './do-helpers/stubs.ts';

afterEach(cleanup);

const expireNoRunner = (taskId: string, runId: string) => runInDurableObject(roomStub(taskId), (_, ctx) => {
  ctx.storage.sql.exec(`UPDATE runs SET no_runner_deadline = ? WHERE run_id = ? AND status = 'queued'`, Date.now() - 1, runId);
});

async function connectRunner(executors: ExecutorId[], slots = 1) {
  const sock = await openRunner(`runner-${crypto.randomUUID().slice(0, 8)}`);
  sock.send({ type: 'hello', protocolVersion: 1, name: 'r', executors, slots, labels: [], activeRuns: [] });
  await sock.nextOfType('welcome');
  return sock;
}

describe('no runner offers the agent', () => {
  it('warns at once, then fails the run with the reason when the wait is over', async () => {
    const task = await seedTask(1, 'cursor-agent');
    const room = roomStub(task.taskId);
    const patchOnly = await connectRunner(['patch-agent']);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    const warning = (await storedEvents(task.taskId)).find((e) => e.type === 'log');
    expect(warning).toMatchObject({ level: 'warn', message: expect.stringMatching(/^Waiting: no connected runner offers Cursor agent\. The attempt fails if none is connected within /) });
    expect(Number((await roomRun(task.taskId, runId)).no_runner_deadline)).toBeGreaterThan(Date.now());

    await expireNoRunner(task.taskId, runId);
    await runDurableObjectAlarm(room);
    expect(await d1Run(runId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^no connected runner offers Cursor agent \(waited /) });
    expect((await poolOffers()).map((o) => o.run_id)).not.toContain(runId);
    patchOnly.close();
  });

  it('says no runner is connected when none is, and keeps a run whose agent turned up meanwhile', async () => {
    const task = await seedTask(2, 'codex');
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const [first] = task.runs.map((r) => r.runId);
    expect((await storedEvents(task.taskId)).filter((e) => e.type === 'log').map((e) => e.type === 'log' && e.message))
      .toEqual(task.runs.map(() => expect.stringMatching(/^Waiting: no runner is connected to run Codex\./)));
    // A Codex runner connects with one slot: it takes one run; the other waits for the slot, not for an agent.
    const codex = await connectRunner(['codex'], 1);
    await codex.nextOfType('assign');
    for (const r of task.runs) await expireNoRunner(task.taskId, r.runId);
    await runDurableObjectAlarm(room);
    const rows = await Promise.all(task.runs.map((r) => roomRun(task.taskId, r.runId)));
    expect(rows.map((r) => r.status).sort()).toEqual(['assigned', 'queued']);
    expect(rows.map((r) => r.no_runner_deadline)).toEqual([null, null]);
    expect((await d1Run(first))?.status).not.toBe('failed');
    codex.close();
  });

  it('never warns when a connected runner offers the agent', async () => {
    const runner = await connectRunner(['patch-agent'], 1);
    const task = await seedTask(1);
    await roomStub(task.taskId).createRuns(task.taskId, task.runs);
    expect((await storedEvents(task.taskId)).filter((e) => e.type === 'log')).toEqual([]);
    runner.close();
  });
});
