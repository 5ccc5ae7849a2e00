/**
 * Assignment.resume: a run re-queued after its runner was lost is claimed again with the turns its
 * earlier assignments finished (the patch agent's `turn` events in the log) and nothing of a turn
 * they did not finish; across several reassignments the chain grows, an assignment that started
 * over supersedes the turns it redid, and the resume stays within LIMITS.resumeMaxBytes, stopping
 * before a turn too large to record. A run never started before gets no resume.
 */
import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { Assignment, LIMITS, type RunEvent } from '../../protocol/src/index.ts';
import { seedTask } from './do-helpers/seed.ts';
import { cleanup, ev, expire, openRunStream, roomStub } from './do-helpers/stubs.ts';

afterEach(cleanup);

const BASE = 'a'.repeat(40);
const call = (n: number, name = 'write_file') => ({ id: `call_${n}`, name, args: JSON.stringify({ path: `f${n}.txt`, content: `${n}\n` }) });
const turn = (runId: string, n: number, extra: Partial<Extract<RunEvent, { type: 'turn' }>> = {}): RunEvent =>
  ({ type: 'turn', runId, ts: Date.now(), turn: n, text: `turn ${n}`, calls: [call(n)], tokens: 10 * n, baseCommit: BASE, ...extra });
const toolCall = (runId: string, n: number): RunEvent => ({ type: 'tool_call', runId, ts: Date.now(), callId: `call_${n}`, name: 'write_file', input: {} });
const toolResult = (runId: string, n: number): RunEvent => ({ type: 'tool_result', runId, ts: Date.now(), callId: `call_${n}`, output: 'ok', isError: false });
const resumed = (n: number) => ({ text: `turn ${n}`, calls: [call(n)], tokens: 10 * n });

/** One assignment of the run: claim, send these events (after `running`) in frames, then lose the runner. */
async function assignAndLose(taskId: string, runId: string, frames: RunEvent[][]): Promise<Assignment> {
  const room = roomStub(taskId);
  const runner = `runner-${crypto.randomUUID()}`;
  const a = Assignment.parse(await room.claim(runId, runner));
  const sock = await openRunStream(taskId, runId, a.assignment, runner);
  await sock.next();
  const all = [[ev.status(runId, 'running')], ...frames];
  for (const [i, events] of all.entries()) {
    sock.send({ type: 'frame', frame: i + 1, events });
    await sock.nextOfType('ack');
  }
  await expire(taskId, runId, 'lease_until');
  expect(await runDurableObjectAlarm(room)).toBe(true);
  await sock.waitClose();
  return a;
}

describe('resume on a re-claimed run', () => {
  it('carries the finished turns and nothing of the unfinished one, and grows across reassignments', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;

    const first = await assignAndLose(task.taskId, runId, [
      [ev.text(runId, 'Looking.'), toolCall(runId, 1), toolResult(runId, 1), turn(runId, 1)],
      [toolCall(runId, 2), toolResult(runId, 2), turn(runId, 2)],
      // Turn 3: the model answered and one tool ran, but the runner died before the turn was finished.
      [ev.text(runId, 'Third.'), toolCall(runId, 3), toolResult(runId, 3)],
    ]);
    expect(first.resume).toBeUndefined();

    const second = await assignAndLose(task.taskId, runId, [[toolCall(runId, 3), toolResult(runId, 3), turn(runId, 3)]]);
    expect(second.assignment).toBe(2);
    expect(second.resume).toEqual({ turns: [resumed(1), resumed(2)], baseCommit: BASE });

    const third = Assignment.parse(await room.claim(runId, 'runner-c'));
    expect(third.assignment).toBe(3);
    expect(third.resume).toEqual({ turns: [resumed(1), resumed(2), resumed(3)], baseCommit: BASE });
  });

  it('an assignment that started over supersedes the turns it redid', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    await assignAndLose(task.taskId, runId, [[turn(runId, 1), turn(runId, 2), turn(runId, 3)]]);
    // The base branch had moved: the second assignment started over on another commit.
    const other = 'b'.repeat(40);
    await assignAndLose(task.taskId, runId, [[turn(runId, 1, { baseCommit: other, text: 'again' })]]);
    const a = Assignment.parse(await room.claim(runId, 'runner-c'));
    expect(a.resume).toEqual({ turns: [{ ...resumed(1), text: 'again' }], baseCommit: other });
  });

  it('stays within the size bound and stops before a turn too large to record', async () => {
    const task = await seedTask(2);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const [big, omitted] = task.runs.map((r) => r.runId);
    const huge = 'x'.repeat(120 * 1024);
    await assignAndLose(task.taskId, big, [1, 2, 3, 4, 5].map((n) => [turn(big, n, { text: huge })]));
    const a = Assignment.parse(await room.claim(big, 'runner-c'));
    expect(a.resume?.turns).toHaveLength(4);
    expect(a.resume?.turnsLeftOut).toBe(1);
    expect(JSON.stringify(a.resume).length).toBeLessThanOrEqual(LIMITS.resumeMaxBytes + 1024);

    await assignAndLose(task.taskId, omitted, [[turn(omitted, 1), turn(omitted, 2, { text: '', calls: [], omitted: true }), turn(omitted, 3)]]);
    const b = Assignment.parse(await room.claim(omitted, 'runner-d'));
    expect(b.resume).toEqual({ turns: [resumed(1)], baseCommit: BASE, turnsLeftOut: 2 });
  });

  it('a started assignment with no finished turn gives an empty resume; one that never started (declined) gives none', async () => {
    const task = await seedTask(2);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const [started, declined] = task.runs.map((r) => r.runId);
    await assignAndLose(task.taskId, started, [[ev.text(started, 'Thinking…'), toolCall(started, 1)]]);
    expect(Assignment.parse(await room.claim(started, 'runner-c')).resume).toEqual({ turns: [] });

    await room.claim(declined, 'runner-a');
    await room.release(declined, 1, 'busy');
    const again = Assignment.parse(await room.claim(declined, 'runner-b'));
    expect(again.assignment).toBe(2);
    expect(again.resume).toBeUndefined();
  });
});
