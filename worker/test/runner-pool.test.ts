/**
 * RunnerPool: hello → offered runs are claimed from TaskRoom and pushed as `assign`; executor
 * matching; slots; accept/reject; a runner that vanishes before accepting gets its offer handed
 * to another runner; too-old protocols are refused; D1 rows follow.
 */
import { env, evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Assignment, CLOSE_CODES, PROTOCOL_VERSION, SOCKET_PING } from '../../protocol/src/index.ts';
import type { ExecutorId } from '../../protocol/src/index.ts';
import { verifyRunToken } from '../src/lib/run-token.ts';
import { d1Run, d1TaskStatus, seedRunner, seedTask } from './do-helpers/seed.ts';
import { cleanup, ev, openRunStream, openRunner, poolOffers, poolStub, roomStub, storedEvents } from './do-helpers/stubs.ts';
import type { TestSocket } from './do-helpers/test-socket.ts';

afterEach(cleanup);

const hello = (o: { executors?: ExecutorId[]; slots?: number; activeRuns?: string[]; protocolVersion?: number } = {}) => ({
  type: 'hello',
  protocolVersion: o.protocolVersion ?? PROTOCOL_VERSION,
  name: 'test-runner',
  executors: o.executors ?? ['patch-agent'],
  slots: o.slots ?? 2,
  labels: ['linux'],
  activeRuns: o.activeRuns ?? [],
});

/** A runner registered in D1, connected and greeted. */
async function runner(o: Parameters<typeof hello>[0] = {}): Promise<{ id: string; sock: TestSocket }> {
  const id = await seedRunner();
  const sock = await openRunner(id);
  sock.send(hello(o));
  expect(await sock.next()).toMatchObject({ type: 'welcome', runnerId: id, pool: 'default', protocolVersion: PROTOCOL_VERSION });
  // Barrier: the hello handler records the runner in D1, then dispatches.
  await vi.waitFor(async () => expect((await env.DB.prepare('SELECT protocol_version FROM runners WHERE id = ?').bind(id).first())?.protocol_version).toBe(o.protocolVersion ?? PROTOCOL_VERSION));
  return { id, sock };
}

async function createRuns(count: number, executor: ExecutorId = 'patch-agent') {
  const task = await seedTask(count, executor);
  await roomStub(task.taskId).createRuns(task.taskId, task.runs);
  return task;
}

describe('assignment', () => {
  it('claims an offered run for a runner that says hello and pushes a valid Assignment', async () => {
    const task = await createRuns(1);
    const runId = task.runs[0].runId;
    expect(await poolOffers()).toMatchObject([{ run_id: runId, offered_to: null }]);

    const { id, sock } = await runner();
    const msg = await sock.next();
    expect(msg.type).toBe('assign');
    const a = Assignment.parse(msg.assignment);
    expect(a).toMatchObject({ runId, taskId: task.taskId, assignment: 1, branch: task.runs[0].branch, leaseMs: 2000 });
    expect(await verifyRunToken(env.DURSOR_ENCRYPTION_KEY, a.runToken)).toMatchObject({ runId, taskId: task.taskId });
    expect(await d1Run(runId)).toMatchObject({ status: 'assigned', runner_id: id });
    expect(await d1TaskStatus(task.taskId)).toBe('running');

    sock.send({ type: 'accept', runId });
    await vi.waitFor(async () => expect(await poolOffers()).toEqual([]));
    const live = await poolStub().listRunners();
    expect(live).toMatchObject([{ runnerId: id, slots: 2, executors: ['patch-agent'], labels: ['linux'], activeRuns: [runId], protocolVersion: PROTOCOL_VERSION }]);
    const row = await env.DB.prepare('SELECT executors, last_seen_at FROM runners WHERE id = ?').bind(id).first();
    expect(JSON.parse(row!.executors as string)).toEqual(['patch-agent']);
    expect(row!.last_seen_at).toBeTypeOf('number');

    // The assigned runner streams the run to success through TaskRoom.
    const stream = await openRunStream(task.taskId, runId, a.assignment, id);
    await stream.next();
    stream.send({ type: 'frame', frame: 1, events: [ev.status(runId, 'running'), ev.result(runId, 'succeeded', { summary: 'done' })] });
    await stream.nextOfType('ack');
    await vi.waitFor(async () => expect(await d1TaskStatus(task.taskId)).toBe('done'));
    expect(await d1Run(runId)).toMatchObject({ status: 'succeeded', summary: 'done' });
  });

  it('gives nothing to a runner without the executor', async () => {
    const task = await createRuns(1, 'patch-agent');
    const other = await runner({ executors: ['codex'] });
    expect(await poolOffers()).toMatchObject([{ run_id: task.runs[0].runId, offered_to: null }]);
    const able = await runner({ executors: ['codex', 'patch-agent'] });
    expect((await able.sock.next()).assignment.runId).toBe(task.runs[0].runId);
    expect(other.sock.received.map((m) => m.type)).toEqual(['welcome']);
  });

  it('respects slots: one slot, one run at a time', async () => {
    const { id, sock } = await runner({ slots: 1 });
    const task = await createRuns(2);
    const [first, second] = task.runs.map((r) => r.runId);
    expect((await sock.next()).assignment.runId).toBe(first);
    sock.send({ type: 'accept', runId: first });
    await vi.waitFor(async () => expect(await poolOffers()).toMatchObject([{ run_id: second, offered_to: null }]));
    expect(sock.unread()).toEqual([]);
    // The first run finished: capacity frees the slot and the second run follows.
    sock.send({ type: 'capacity', activeRuns: [] });
    expect((await sock.next()).assignment.runId).toBe(second);
    expect(await d1Run(second)).toMatchObject({ status: 'assigned', runner_id: id });
  });

  it('hands the most free runner the next run', async () => {
    const small = await runner({ slots: 1 });
    const big = await runner({ slots: 3 });
    const task = await createRuns(1);
    expect((await big.sock.next()).assignment.runId).toBe(task.runs[0].runId);
    expect(small.sock.received.map((m) => m.type)).toEqual(['welcome']);
  });
});

describe('re-offers', () => {
  it('hands an unaccepted offer to another runner when its runner closes', async () => {
    const a = await runner({ slots: 1 });
    const task = await createRuns(1);
    const runId = task.runs[0].runId;
    expect((await a.sock.next()).assignment).toMatchObject({ runId, assignment: 1 });
    const b = await runner({ slots: 1 });
    expect(b.sock.unread()).toEqual([]);

    a.sock.close();
    const msg = await b.sock.next();
    expect(msg.assignment).toMatchObject({ runId, assignment: 2 });
    expect(await d1Run(runId)).toMatchObject({ status: 'assigned', runner_id: b.id });
    const trail = (await storedEvents(task.taskId)).filter((e) => e.type === 'status').map((e) => (e.type === 'status' ? e.status : ''));
    expect(trail).toEqual(['queued', 'assigned', 'queued', 'assigned']);
  });

  it('re-offers a rejected run to someone else and never back to the rejecting runner', async () => {
    const a = await runner({ slots: 2 });
    const task = await createRuns(1);
    const runId = task.runs[0].runId;
    await a.sock.next();
    const b = await runner({ slots: 1 });
    a.sock.send({ type: 'reject', runId, reason: 'disk full' });
    expect((await b.sock.next()).assignment).toMatchObject({ runId, assignment: 2 });
    expect(a.sock.unread()).toEqual([]);
    const released = (await storedEvents(task.taskId)).find((e) => e.type === 'status' && e.status === 'queued' && e.reason);
    expect(released).toMatchObject({ reason: 'released: disk full' });
  });

  it('a reconnecting runner keeps the runs it reports active and gives back the others', async () => {
    const first = await runner({ slots: 2 });
    const task = await createRuns(2);
    const [kept, dropped] = task.runs.map((r) => r.runId);
    const got = [(await first.sock.next()).assignment.runId, (await first.sock.next()).assignment.runId];
    expect(got.sort()).toEqual([kept, dropped].sort());

    const again = await openRunner(first.id);
    expect((await first.sock.waitClose()).code).toBe(CLOSE_CODES.replaced);
    again.send(hello({ slots: 1, activeRuns: [kept] }));
    await again.nextOfType('welcome');
    await vi.waitFor(async () => expect(await poolOffers()).toMatchObject([{ run_id: dropped, offered_to: null }]));
    expect(await d1Run(dropped)).toMatchObject({ status: 'queued', runner_id: null });
    expect(await d1Run(kept)).toMatchObject({ status: 'assigned', runner_id: first.id });
    expect(again.unread()).toEqual([]);
  });
});

describe('hibernation', () => {
  it('still knows its ready runners after the pool is evicted', async () => {
    const { id, sock } = await runner({ slots: 1 });
    await evictDurableObject(poolStub());
    const task = await createRuns(1);
    expect((await sock.next()).assignment).toMatchObject({ runId: task.runs[0].runId });
    expect(await poolStub().listRunners()).toMatchObject([{ runnerId: id, slots: 1 }]);
  });
});

describe('keep-alive (issue 12)', () => {
  it('says in its welcome that it answers pings, and the runtime answers them without the DO', async () => {
    const id = await seedRunner();
    const sock = await openRunner(id);
    sock.send(hello());
    expect(await sock.next()).toMatchObject({ type: 'welcome', answersPing: true });
    sock.send(SOCKET_PING);
    expect(await sock.next()).toEqual({ type: 'pong' });
    // The DO's own code never saw the ping: it would have closed the socket as a bad message (4400).
    const answered = await runInDurableObject(poolStub(), (_pool, state) => state.getWebSockets().map((ws) => state.getWebSocketAutoResponseTimestamp(ws)));
    expect(answered.filter((t) => t !== null)).toHaveLength(1);
    sock.send({ type: 'capacity', activeRuns: [] });
    sock.send(SOCKET_PING);
    expect(await sock.next()).toEqual({ type: 'pong' });
    expect(await poolStub().listRunners()).toMatchObject([{ runnerId: id }]);
  });
});

describe('refusals', () => {
  it('closes a too-old protocol with 4001 and a reason', async () => {
    const id = await seedRunner();
    const sock = await openRunner(id);
    sock.send(hello({ protocolVersion: 0 }));
    const closed = await sock.waitClose();
    expect(closed.code).toBe(CLOSE_CODES.protocolTooOld);
    expect(closed.reason).toMatch(/older than the minimum/);
    expect(await poolStub().listRunners()).toEqual([]);
  });

  it('closes a malformed message with 4400', async () => {
    const sock = await openRunner(await seedRunner());
    sock.send({ type: 'hello', protocolVersion: 1, executors: 'all' });
    expect((await sock.waitClose()).code).toBe(CLOSE_CODES.badMessage);
  });

  it('answers a plain request with a 426 JSON error', async () => {
    const res = await poolStub().fetch(new Request('https://runner-pool/connect'));
    expect(res.status).toBe(426);
    expect(await res.json()).toMatchObject({ error: { code: 'upgrade_required' } });
  });
});
