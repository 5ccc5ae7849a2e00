/**
 * The golden frames (protocol/test/golden/) against the real TaskRoom and RunnerPool, in the
 * Workers runtime: each accepts every valid message of the directions it receives, refuses every
 * invalid one with the golden close code and reason, and every frame it sends has a golden shape.
 * testkit/test/golden-frames.test.ts holds the fake Worker to the same files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/src/index.ts';
import { goldenOf, goldenText, shapeViolation } from '../../protocol/test/golden/golden.ts';
import { seedRunner, seedTask } from './do-helpers/seed.ts';
import { busyRunner, cleanup, openRunStream, openRunner, openViewer, roomStub } from './do-helpers/stubs.ts';
import type { TestSocket } from './do-helpers/test-socket.ts';

afterEach(cleanup);

const toRoom = goldenOf('runnerToRoom');
const toPool = goldenOf('runnerToPool');
/** A golden frame without a result event (the run stays open after it). */
const textFrame = toRoom.find((g) => g.type === 'frame')!.valid.find((e) => e.name === 'a single event')!.message;

/** A claimed run with its run socket attached; every message the room sends on it is shape-checked. */
async function attachedRun(): Promise<{ taskId: string; runId: string; sock: TestSocket }> {
  const task = await seedTask(1);
  const room = roomStub(task.taskId);
  await room.createRuns(task.taskId, task.runs);
  const runId = task.runs[0].runId;
  expect(await room.claim(runId, 'runner-a')).toMatchObject({ assignment: 1 });
  const sock = await openRunStream(task.taskId, runId, 1, 'runner-a');
  const attached = await sock.next();
  expect(attached.type).toBe('attached');
  expect(shapeViolation('roomToRunner', attached)).toBeNull();
  return { taskId: task.taskId, runId, sock };
}

/** A golden frame made this run's: its events name the run, its number is the next one. */
function asRunFrame(message: unknown, runId: string, frame: number): unknown {
  const m = message as { type: string; events?: RunEvent[] };
  if (m.type !== 'frame') return m;
  return { ...m, frame, events: m.events!.map((e) => ({ ...e, runId })) };
}

describe('TaskRoom against the golden frames', () => {
  beforeEach(async () => {
    await busyRunner();
  });

  // Each on a run of its own: a golden frame may hold the run's result, which ends it.
  for (const g of toRoom) {
    for (const e of g.valid) {
      it(`accepts ${g.type}: ${e.name}`, async () => {
        const { runId, sock } = await attachedRun();
        sock.send(asRunFrame(e.message, runId, 1));
        // A heartbeat has no answer: the frame after it is acked only if it was read, not refused.
        if (g.type !== 'frame') sock.send(asRunFrame(textFrame, runId, 1));
        const ack = await sock.nextOfType('ack');
        expect(ack).toEqual({ type: 'ack', frame: 1 });
        expect(shapeViolation('roomToRunner', ack)).toBeNull();
        expect(sock.closed).toBeNull();
      });
    }
  }

  it('acks a resend, cancels and streams to viewers in golden shapes', async () => {
    const { taskId, runId, sock } = await attachedRun();
    const viewer = await openViewer(taskId);
    sock.send(asRunFrame(textFrame, runId, 1));
    await sock.nextOfType('ack');
    // A resend of a stored frame is acked again (the room's other ack).
    sock.send(asRunFrame(textFrame, runId, 1));
    expect(shapeViolation('roomToRunner', await sock.nextOfType('ack'))).toBeNull();

    await roomStub(taskId).cancelRun(runId);
    const cancel = await sock.nextOfType('cancel');
    expect(shapeViolation('roomToRunner', cancel)).toBeNull();

    // Replayed from scratch: events messages, then sync; and what the live viewer got meanwhile.
    const replay = await openViewer(taskId);
    for (let msg = await replay.next(); ; msg = await replay.next()) {
      expect(shapeViolation('roomToViewer', msg), JSON.stringify(msg).slice(0, 200)).toBeNull();
      if (msg.type === 'sync') break;
    }
    expect(viewer.received.length).toBeGreaterThan(1);
    for (const msg of viewer.received) expect(shapeViolation('roomToViewer', msg)).toBeNull();
  });

  for (const g of toRoom) {
    for (const e of g.invalid) {
      it(`refuses ${g.type}: ${e.name}, with ${e.refusal!.code} "${e.refusal!.reason}"`, async () => {
        const { runId, sock } = await attachedRun();
        sock.send(e.text ?? JSON.stringify(asRunFrame(e.message, runId, (e.message as { frame?: number }).frame ?? 1)));
        expect(await sock.waitClose()).toEqual(e.refusal);
      });
    }
  }
});

describe('RunnerPool against the golden frames', () => {
  /** A runner registered in D1 and connected, not greeted yet. */
  async function connected(): Promise<{ id: string; sock: TestSocket }> {
    const id = await seedRunner();
    return { id, sock: await openRunner(id) };
  }

  it('welcomes every valid hello, and greets with golden welcome and credential frames', async () => {
    for (const e of goldenOf('runnerToPool').find((g) => g.type === 'hello')!.valid) {
      const { sock } = await connected();
      sock.send(goldenText(e));
      const welcome = await sock.next();
      expect(welcome.type, e.name).toBe('welcome');
      expect(shapeViolation('poolToRunner', welcome)).toBeNull();
      if ((e.message as { rotatesCredential?: boolean }).rotatesCredential) {
        const credential = await sock.nextOfType('credential');
        expect(shapeViolation('poolToRunner', credential)).toBeNull();
      }
    }
  });

  it('accepts every other valid runner → pool message (a later hello is still answered)', async () => {
    const { sock } = await connected();
    const hello = toPool.find((g) => g.type === 'hello')!.valid[1];
    sock.send(goldenText(hello));
    await sock.nextOfType('welcome');
    for (const g of toPool.filter((g) => g.type !== 'hello')) {
      for (const e of g.valid) {
        sock.send(goldenText(e));
        // Messages are handled in order: a welcome after it means it was read, not refused.
        sock.send(goldenText(hello));
        expect((await sock.nextOfType('welcome')).type, `${g.type}: ${e.name}`).toBe('welcome');
        expect(sock.closed).toBeNull();
      }
    }
  });

  it('pushes assignments in the golden shape', async () => {
    const task = await seedTask(1);
    await roomStub(task.taskId).createRuns(task.taskId, task.runs);
    const { sock } = await connected();
    sock.send(goldenText(toPool.find((g) => g.type === 'hello')!.valid[1]));
    await sock.nextOfType('welcome');
    const assign = await sock.nextOfType('assign');
    expect(shapeViolation('poolToRunner', assign)).toBeNull();
  });

  for (const g of toPool) {
    for (const e of g.invalid) {
      it(`refuses ${g.type}: ${e.name}, with ${e.refusal!.code} "${e.refusal!.reason.slice(0, 60)}"`, async () => {
        const { sock } = await connected();
        sock.send(goldenText(e));
        expect(await sock.waitClose()).toEqual(e.refusal);
      });
    }
  }
});
