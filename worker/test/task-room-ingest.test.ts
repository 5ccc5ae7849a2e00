/**
 * What TaskRoom takes from a runner's run socket (issue 11): a socket it refuses is answered 4xx
 * before the upgrade; a frame outside the runner's promises (LIMITS.frameMaxEvents,
 * frameMaxBytes, eventMaxBytes, eventMaxDepth) or not the next by number is refused with
 * badMessage and nothing of it is stored; a frame its storage refuses is a clear close, never
 * an uncaught throw.
 */
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, LIMITS } from '../../protocol/src/index.ts';
import type { RunEvent } from '../../protocol/src/index.ts';
import { seedTask } from './do-helpers/seed.ts';
import { busyRunner, cleanup, ev, openRunStream, refusedRunStream, roomRun, roomStub, storedEvents } from './do-helpers/stubs.ts';
import type { TestSocket } from './do-helpers/test-socket.ts';

afterEach(cleanup);
beforeEach(async () => {
  await busyRunner();
});

/** One claimed run of a new task with its run socket attached. */
async function attachedRun(runnerId = 'runner-a') {
  const task = await seedTask(2);
  const room = roomStub(task.taskId);
  await room.createRuns(task.taskId, task.runs);
  const runId = task.runs[0].runId;
  await room.claim(runId, runnerId);
  const sock = await openRunStream(task.taskId, runId, 1, runnerId);
  expect(await sock.next()).toEqual({ type: 'attached', lastFrame: 0, cancelRequested: false, answersPing: true });
  return { task, room, runId, sock, other: task.runs[1].runId };
}

/** A value nested `levels` deep: [[[…]]]. Built as text: a 400,000-deep array cannot be JSON.stringify'd. */
const nestedJson = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const frameWithDeepInput = (runId: string, inputLevels: number) =>
  `{"type":"frame","frame":1,"events":[{"type":"tool_call","runId":"${runId}","ts":1,"callId":"c1","name":"edit","input":${nestedJson(inputLevels)}}]}`;

/** Sends `frame`, expects close 4400 with a `policy:` reason, and that nothing of it was stored. */
async function expectRefused(taskId: string, runId: string, sock: TestSocket, frame: unknown, reason: RegExp) {
  const before = await storedEvents(taskId);
  const lastFrame = Number((await roomRun(taskId, runId)).last_frame);
  sock.send(frame);
  const closed = await sock.waitClose();
  expect(closed.code).toBe(CLOSE_CODES.badMessage);
  expect(closed.reason).toMatch(/^policy: /);
  expect(closed.reason).toMatch(reason);
  expect(sock.unread().filter((m) => m.type === 'ack')).toEqual([]);
  expect(await storedEvents(taskId)).toEqual(before);
  expect(Number((await roomRun(taskId, runId)).last_frame)).toBe(lastFrame);
}

describe('a run socket the room refuses', () => {
  it('is answered 404 / 409 before the upgrade, never a 101 whose close the runner does not get', async () => {
    const { task, runId, sock, other } = await attachedRun();
    const refusals = [
      { why: 'unknown run', runId: 'run-nobody-knows', assignment: 1, runner: 'runner-a', status: 404, code: 'not_found' },
      { why: 'queued, never assigned', runId: other, assignment: 1, runner: 'runner-a', status: 409, code: 'stale_assignment' },
      { why: "another runner's run", runId, assignment: 1, runner: 'runner-b', status: 409, code: 'stale_assignment' },
      { why: 'not the current assignment', runId, assignment: 2, runner: 'runner-a', status: 409, code: 'stale_assignment' },
    ];
    for (const r of refusals) {
      const { status, body } = await refusedRunStream(task.taskId, r.runId, r.assignment, r.runner);
      expect({ why: r.why, status, body }).toMatchObject({ why: r.why, status: r.status, body: { error: { code: r.code } } });
    }
    sock.send({ type: 'frame', frame: 1, events: [ev.result(runId, 'failed', { error: 'gave up' })] });
    expect(await sock.nextOfType('ack')).toEqual({ type: 'ack', frame: 1 });
    expect(await refusedRunStream(task.taskId, runId, 1, 'runner-a')).toEqual({ status: 409, body: { error: { code: 'stale_assignment', message: 'run is failed' } } });
  });
});

describe('frames outside the runner\'s promises', () => {
  it('refuses an event nested deeper than LIMITS.eventMaxDepth, 400,000 levels included', async () => {
    const { task, runId, sock } = await attachedRun();
    // The event object is level 1, its input level 2: an input of eventMaxDepth - 1 levels is the deepest allowed.
    sock.send(frameWithDeepInput(runId, LIMITS.eventMaxDepth - 1));
    expect(await sock.next()).toEqual({ type: 'ack', frame: 1 });
    await expectRefused(task.taskId, runId, sock, frameWithDeepInput(runId, LIMITS.eventMaxDepth).replace('"frame":1', '"frame":2'), /nests deeper than 32 levels/);
    expect(await storedEvents(task.taskId)).toContainEqual(expect.objectContaining({ type: 'tool_call', input: JSON.parse(nestedJson(LIMITS.eventMaxDepth - 1)) }));

    const again = await openRunStream(task.taskId, runId, 1, 'runner-a');
    expect(await again.next()).toMatchObject({ type: 'attached', lastFrame: 1 });
    await expectRefused(task.taskId, runId, again, frameWithDeepInput(runId, 400_000).replace('"frame":1', '"frame":2'), /nests deeper/);
  });

  it('refuses an event over LIMITS.eventMaxBytes and a message over LIMITS.frameMaxBytes', async () => {
    const { task, runId, sock } = await attachedRun();
    const atLimit = ev.text(runId, '');
    const envelope = new TextEncoder().encode(JSON.stringify(atLimit)).length;
    const fits = ev.text(runId, 'x'.repeat(LIMITS.eventMaxBytes - envelope - 16));
    sock.send({ type: 'frame', frame: 1, events: [fits] });
    expect(await sock.next()).toEqual({ type: 'ack', frame: 1 });
    // Over the byte limit only once escaped: what is stored is the JSON, quotes written as \".
    const overOnceEscaped = ev.text(runId, '"'.repeat(Math.ceil(LIMITS.eventMaxBytes / 2) + 1));
    await expectRefused(task.taskId, runId, sock, { type: 'frame', frame: 2, events: [overOnceEscaped] }, /an event of \d+ bytes is over 786432/);

    const again = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await again.next();
    const half = ev.text(runId, 'y'.repeat(LIMITS.eventMaxBytes / 2));
    await expectRefused(task.taskId, runId, again, { type: 'frame', frame: 2, events: [half, half, half] }, /a message over 1048576 bytes/);
  });

  it('sizes an event as it is stored: numbers that grow when re-serialised (1e20 → 21 digits) count grown', async () => {
    const { task, runId, sock } = await attachedRun();
    // ~200 KB on the wire, ~900 KB once stored: before, such events grew past SQLite's 2 MB row limit.
    const input = `[${Array(42_000).fill('1e20').join(',')}]`;
    const text = `{"type":"frame","frame":1,"events":[{"type":"tool_call","runId":"${runId}","ts":1,"callId":"c1","name":"edit","input":${input}}]}`;
    expect(text.length).toBeLessThan(LIMITS.eventMaxBytes / 3);
    await expectRefused(task.taskId, runId, sock, text, /an event of \d+ bytes is over 786432/);
  });

  it('refuses a frame of more than LIMITS.frameMaxEvents events (15,000 included)', async () => {
    const { task, runId, sock } = await attachedRun();
    // Small events (the room forces each onto the socket's run anyway): 15,000 of them stay under frameMaxBytes.
    const texts = (n: number): RunEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'text', runId: 'r', ts: 1, text: `t${i}` }));
    sock.send({ type: 'frame', frame: 1, events: texts(LIMITS.frameMaxEvents) });
    expect(await sock.next()).toEqual({ type: 'ack', frame: 1 });
    await expectRefused(task.taskId, runId, sock, { type: 'frame', frame: 2, events: texts(LIMITS.frameMaxEvents + 1) }, /a frame of 101 events is over 100/);

    const again = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await again.next();
    await expectRefused(task.taskId, runId, again, { type: 'frame', frame: 2, events: texts(15_000) }, /a frame of 15000 events/);
  });

  it('refuses a frame number that jumps: after 1 and 5, a late 3 is not acked and dropped', async () => {
    const { task, runId, sock } = await attachedRun();
    sock.send({ type: 'frame', frame: 1, events: [ev.text(runId, 'one')] });
    expect(await sock.next()).toEqual({ type: 'ack', frame: 1 });
    await expectRefused(task.taskId, runId, sock, { type: 'frame', frame: 5, events: [ev.text(runId, 'five')] }, /frame 5 is not the next one \(2\)/);

    const again = await openRunStream(task.taskId, runId, 1, 'runner-a');
    expect(await again.next()).toMatchObject({ type: 'attached', lastFrame: 1 });
    await expectRefused(task.taskId, runId, again, { type: 'frame', frame: 3, events: [ev.text(runId, 'three')] }, /frame 3 is not the next one/);

    const third = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await third.next();
    third.send({ type: 'frame', frame: 2, events: [ev.text(runId, 'two')] });
    expect(await third.next()).toEqual({ type: 'ack', frame: 2 });
    const texts = (await storedEvents(task.taskId)).filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.text : ''));
    expect(texts).toEqual(['one', 'two']);
  });
});

describe('a frame the room cannot store', () => {
  it('closes with storeFailed and the reason, stores and acks nothing; the resend after a reconnect is stored', async () => {
    const { task, room, runId, sock } = await attachedRun();
    // The room's own storage refusing the insert, as SQLite does with SQLITE_TOOBIG.
    await runInDurableObject(room, (_, ctx) => {
      ctx.storage.sql.exec(`CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'string or blob too big'); END`);
    });
    const before = await storedEvents(task.taskId);
    const frame = { type: 'frame', frame: 1, events: [ev.status(runId, 'preparing'), ev.text(runId, 'kept for later')] };
    sock.send(frame);
    const closed = await sock.waitClose();
    expect(closed.code).toBe(CLOSE_CODES.storeFailed);
    expect(closed.reason).toMatch(/^could not store frame 1: .*string or blob too big/);
    expect(sock.unread()).toEqual([]);
    expect(await storedEvents(task.taskId)).toEqual(before);
    expect(await roomRun(task.taskId, runId)).toMatchObject({ status: 'assigned', last_frame: 0 });

    await runInDurableObject(room, (_, ctx) => {
      ctx.storage.sql.exec('DROP TRIGGER refuse_events');
    });
    const again = await openRunStream(task.taskId, runId, 1, 'runner-a');
    expect(await again.next()).toMatchObject({ type: 'attached', lastFrame: 0 });
    again.send(frame);
    expect(await again.next()).toEqual({ type: 'ack', frame: 1 });
    expect((await roomRun(task.taskId, runId)).status).toBe('preparing');
  });
});
