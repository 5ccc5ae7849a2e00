/**
 * TaskRoom event streaming: replay + sync, frame idempotency, gapless seq across runs, frame
 * validation, and hibernation (evict the DO; frames still flow, attachments survive).
 */
import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, SOCKET_PING } from '../../protocol/src/index.ts';
import type { RunEvent, StoredEvent } from '../../protocol/src/index.ts';
import { seedTask } from './do-helpers/seed.ts';
import { busyRunner, cleanup, ev, openRunStream, openViewer, roomRun, roomStub, storedEvents } from './do-helpers/stubs.ts';
import type { TestSocket } from './do-helpers/test-socket.ts';
import { WELL_KNOWN } from '../../testkit/src/secret-samples.ts';

afterEach(cleanup);
// Claims are driven by hand here; a busy runner offering the agent keeps the pool from warning that none does.
beforeEach(async () => {
  await busyRunner();
});

/** Create runs, claim `claimed` of them for `runnerId` and attach a run socket to each. */
async function startRuns(count: number, claimed = count, runnerId = 'runner-a') {
  const task = await seedTask(count);
  const room = roomStub(task.taskId);
  await room.createRuns(task.taskId, task.runs);
  const sockets: TestSocket[] = [];
  for (const run of task.runs.slice(0, claimed)) {
    const a = await room.claim(run.runId, runnerId);
    expect(a?.assignment).toBe(1);
    const s = await openRunStream(task.taskId, run.runId, 1, runnerId);
    expect(await s.next()).toEqual({ type: 'attached', lastFrame: 0, cancelRequested: false, answersPing: true });
    sockets.push(s);
  }
  return { task, room, sockets };
}

async function sendFrame(s: TestSocket, frame: number, events: RunEvent[]): Promise<void> {
  s.send({ type: 'frame', frame, events });
  expect(await s.nextOfType('ack')).toEqual({ type: 'ack', frame });
}

/** Collect `events` messages until `count` events arrived. */
async function collect(viewer: TestSocket, count: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  while (out.length < count) {
    const msg = await viewer.next();
    expect(msg.type).toBe('events');
    out.push(...msg.events);
  }
  return out;
}

const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('secrets in events (issue 11)', () => {
  it('stores no well-known token shape: not in the log, the replay, the live stream or the result', async () => {
    const { task, sockets: [run] } = await startRuns(1);
    const runId = task.runs[0].runId;
    const live = await openViewer(task.taskId);
    const before: StoredEvent[] = [];
    for (let msg = await live.next(); msg.type !== 'sync'; msg = await live.next()) before.push(...msg.events);
    const secrets = Object.values(WELL_KNOWN);
    const ts = Date.now();
    await sendFrame(run, 1, [
      ev.status(runId, 'preparing'),
      ev.text(runId, `keys: ${secrets.join(' , ')}`),
      { type: 'tool_call', runId, ts, callId: 'c1', name: 'shell', input: { cmd: `export GITHUB_TOKEN=${WELL_KNOWN.github}`, args: [WELL_KNOWN.openai, 1, null] } },
      { type: 'tool_result', runId, ts, callId: 'c1', output: `AWS_ACCESS_KEY_ID=${WELL_KNOWN.aws}`, isError: false },
      { type: 'log', runId, ts, level: 'warn', message: `token ${WELL_KNOWN.dursorRun}` },
      ev.result(runId, 'failed', { error: `push failed with ${WELL_KNOWN.anthropic}`, summary: `used ${WELL_KNOWN.google}` }),
    ]);
    const stored = await storedEvents(task.taskId);
    const replay = await collect(await openViewer(task.taskId), stored.length);
    const streamed = [...before, ...(await collect(live, stored.length - before.length))];
    const runRow = await roomRun(task.taskId, runId);
    for (const [what, data] of Object.entries({ stored, replay, streamed, runRow })) {
      const json = JSON.stringify(data);
      for (const secret of secrets) expect(json.includes(JSON.stringify(secret).slice(1, -1)), `${what} holds ${secret.slice(0, 12)}…`).toBe(false);
    }
    const text = stored.find((e) => e.type === 'text');
    expect(text?.type === 'text' && text.text).toBe(`keys: ${secrets.map(() => '[redacted]').join(' , ')}`);
    expect(stored.find((e) => e.type === 'tool_call')).toMatchObject({ input: { cmd: 'export GITHUB_TOKEN=[redacted]', args: ['[redacted]', 1, null] } });
    expect(stored.find((e) => e.type === 'result')).toMatchObject({ result: { error: 'push failed with [redacted]', summary: 'used [redacted]' } });
  });
});

describe('viewer replay', () => {
  it('replays exactly seq > after, then sync, then live events with no gap', async () => {
    const { task, sockets: [run] } = await startRuns(2, 1);
    const runId = task.runs[0].runId;
    // seq 1, 2: queued ×2; seq 3: assigned; seq 4–6: the frame.
    await sendFrame(run, 1, [ev.status(runId, 'preparing'), ev.text(runId, 'hello'), ev.text(runId, 'world')]);

    const viewer = await openViewer(task.taskId, 2);
    const replay = await collect(viewer, 4);
    expect(seqs(replay)).toEqual([3, 4, 5, 6]);
    expect(replay.map((e) => e.type)).toEqual(['status', 'status', 'text', 'text']);
    expect(await viewer.next()).toEqual({ type: 'sync', seq: 6 });

    await sendFrame(run, 2, [ev.text(runId, 'live 1'), ev.text(runId, 'live 2')]);
    const live = await collect(viewer, 2);
    expect(seqs(live)).toEqual([7, 8]);
    expect(live.map((e) => (e.type === 'text' ? e.text : ''))).toEqual(['live 1', 'live 2']);

    const full = await openViewer(task.taskId);
    expect(seqs(await collect(full, 8))).toEqual(range(1, 8));
    expect(await full.next()).toEqual({ type: 'sync', seq: 8 });

    const caughtUp = await openViewer(task.taskId, 8);
    expect(await caughtUp.next()).toEqual({ type: 'sync', seq: 8 });
  });

  it('replays a long log in chunks of LIMITS.replayChunkEvents, in order', async () => {
    const { task, sockets: [run] } = await startRuns(1);
    const runId = task.runs[0].runId;
    for (let f = 1; f <= 6; f++) await sendFrame(run, f, Array.from({ length: 100 }, (_, i) => ev.text(runId, `f${f}e${i}`)));
    const viewer = await openViewer(task.taskId, 0);
    const first = await viewer.next();
    const second = await viewer.next();
    expect(first.events).toHaveLength(500);
    expect(seqs([...first.events, ...second.events])).toEqual(range(1, 602));
    expect(await viewer.next()).toEqual({ type: 'sync', seq: 602 });
  });

  it('refuses a bad after with a 400 JSON error', async () => {
    const res = await roomStub('no-such-task').fetch(new Request('https://task-room/live?after=-3', {
      headers: { Upgrade: 'websocket', 'X-Dursor-User-Id': 'u' },
    }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_request' } });
  });
});

describe('frames', () => {
  it('stores a resent frame once and acks it twice', async () => {
    const { task, sockets: [run] } = await startRuns(1);
    const runId = task.runs[0].runId;
    const frame = { type: 'frame', frame: 1, events: [ev.text(runId, 'only once')] };
    run.send(frame);
    run.send(frame);
    expect(await run.next()).toEqual({ type: 'ack', frame: 1 });
    expect(await run.next()).toEqual({ type: 'ack', frame: 1 });
    const texts = (await storedEvents(task.taskId)).filter((e) => e.type === 'text');
    expect(texts).toHaveLength(1);

    // A reconnect gets the last stored frame in `attached` and may resend older frames.
    const again = await openRunStream(task.taskId, runId, 1, 'runner-a');
    expect(await again.next()).toEqual({ type: 'attached', lastFrame: 1, cancelRequested: false, answersPing: true });
    expect((await run.waitClose()).code).toBe(CLOSE_CODES.replaced);
    again.send(frame);
    expect(await again.next()).toEqual({ type: 'ack', frame: 1 });
    expect((await storedEvents(task.taskId)).filter((e) => e.type === 'text')).toHaveLength(1);
  });

  it('keeps seq gapless across interleaved frames of several runs, each run in order', async () => {
    const { task, sockets } = await startRuns(3);
    const viewer = await openViewer(task.taskId);
    const before = (await collect(viewer, 6)).length; // 3 queued + 3 assigned
    expect(await viewer.next()).toEqual({ type: 'sync', seq: before });
    for (let f = 1; f <= 4; f++) {
      for (const [i, s] of sockets.entries()) {
        const runId = task.runs[i].runId;
        await sendFrame(s, f, [ev.text(runId, `${i}:${f}:a`), ev.text(runId, `${i}:${f}:b`)]);
      }
    }
    const live = await collect(viewer, 24);
    expect(seqs(live)).toEqual(range(before + 1, before + 24));
    for (const [i, run] of task.runs.entries()) {
      const texts = live.filter((e) => e.runId === run.runId).map((e) => (e.type === 'text' ? e.text : ''));
      expect(texts).toEqual([1, 2, 3, 4].flatMap((f) => [`${i}:${f}:a`, `${i}:${f}:b`]));
    }
    expect(seqs(await storedEvents(task.taskId))).toEqual(range(1, before + 24));
  });

  it("forces each event onto the socket's run and turns an illegal status into a warning", async () => {
    const { task, sockets: [run] } = await startRuns(2, 1);
    const [mine, other] = task.runs.map((r) => r.runId);
    await sendFrame(run, 1, [
      ev.text(other, 'claims to be another run'),
      ev.status(mine, 'running'),
      ev.status(mine, 'preparing'),
      { type: 'status', runId: mine, ts: Date.now(), status: 'succeeded' },
    ]);
    const events = (await storedEvents(task.taskId)).slice(-4);
    expect(events.every((e) => e.runId === mine)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['text', 'status', 'log', 'log']);
    expect(events[2]).toMatchObject({ level: 'warn', message: 'ignored status preparing: illegal run transition running → preparing' });
    expect(events[3]).toMatchObject({ level: 'warn' });
    expect((await roomStub(task.taskId).cancelRun(other))).toBe('cancelled');
  });

  it('closes the socket with badMessage on bad JSON or a schema failure', async () => {
    const { task, sockets: [run] } = await startRuns(1);
    run.send('{not json');
    expect((await run.waitClose()).code).toBe(CLOSE_CODES.badMessage);
    const again = await openRunStream(task.taskId, task.runs[0].runId, 1, 'runner-a');
    await again.next();
    again.send({ type: 'frame', frame: 0, events: [] });
    expect((await again.waitClose()).code).toBe(CLOSE_CODES.badMessage);
  });
});

describe('keep-alive (issue 12)', () => {
  it('answers a run socket\'s ping through the runtime, not the DO; frames flow on', async () => {
    const { task, sockets: [run] } = await startRuns(1);
    run.send(SOCKET_PING);
    expect(await run.next()).toEqual({ type: 'pong' });
    // The DO's own code never saw it: a ping is no frame or heartbeat, it would have closed the socket (4400).
    const answered = await runInDurableObject(roomStub(task.taskId), (_room, state) => state.getWebSockets().map((ws) => state.getWebSocketAutoResponseTimestamp(ws)));
    expect(answered.filter((t) => t !== null)).toHaveLength(1);
    await sendFrame(run, 1, [ev.text(task.runs[0].runId, 'still here')]);
  });
});

describe('hibernation', () => {
  it('keeps frames flowing on existing sockets after the room is evicted', async () => {
    const { task, room, sockets: [run] } = await startRuns(1);
    const runId = task.runs[0].runId;
    const viewer = await openViewer(task.taskId);
    await collect(viewer, 2);
    expect(await viewer.next()).toEqual({ type: 'sync', seq: 2 });
    await sendFrame(run, 1, [ev.text(runId, 'before eviction')]);
    await collect(viewer, 1);
    await runInDurableObject(room, (instance) => {
      (instance as unknown as { marker: number }).marker = 42;
    });

    await evictDurableObject(room);

    // The instance is new (in-memory state gone); the sockets and their attachments are not.
    await sendFrame(run, 2, [ev.text(runId, 'after eviction')]);
    const live = await collect(viewer, 1);
    expect(live).toMatchObject([{ seq: 4, type: 'text', text: 'after eviction', runId }]);
    const state = await runInDurableObject(room, (instance, ctx) => ({
      marker: (instance as unknown as { marker?: number }).marker,
      run: ctx.getWebSockets(`run:${runId}`).map((ws) => ws.deserializeAttachment()),
      viewers: ctx.getWebSockets('viewer').map((ws) => ws.deserializeAttachment()),
    }));
    expect(state.marker).toBeUndefined();
    expect(state.run).toEqual([{ kind: 'run', runId, assignment: 1, runnerId: 'runner-a' }]);
    expect(state.viewers).toContainEqual({ kind: 'viewer', userId: 'viewer-user' });

    // A resend of the pre-eviction frame is still recognised (last_frame lives in SQLite).
    run.send({ type: 'frame', frame: 1, events: [ev.text(runId, 'dup')] });
    expect(await run.next()).toEqual({ type: 'ack', frame: 2 });
    expect((await storedEvents(task.taskId)).filter((e) => e.type === 'text')).toHaveLength(2);
  });
});
