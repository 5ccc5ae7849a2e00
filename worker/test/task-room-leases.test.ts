/**
 * TaskRoom leases and the alarm: an expired lease makes the run lost, closes its run socket,
 * re-queues and re-offers it up to LIMITS.maxLostRetries times, then fails it; stale
 * assignments are refused (409 before the upgrade, 4409 on an open socket); the alarm is idempotent; claim/release rules.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { Assignment, CLOSE_CODES, LIMITS } from '../../protocol/src/index.ts';
import { verifyRunToken } from '../src/lib/run-token.ts';
import { d1Run, d1TaskStatus, seedTask } from './do-helpers/seed.ts';
import { cleanup, ev, expire, openRunner, openRunStream, poolOffers, poolStub, refusedRunStream, roomRun, roomStub, storedEvents } from './do-helpers/stubs.ts';

afterEach(cleanup);

const statusTrail = async (taskId: string, runId: string) =>
  (await storedEvents(taskId)).filter((e) => e.runId === runId && e.type === 'status').map((e) => (e.type === 'status' ? e.status : ''));

describe('claim', () => {
  it('returns a full Assignment with a valid run token and a lease, once', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const spec = task.runs[0];
    const a = await room.claim(spec.runId, 'runner-a');
    expect(Assignment.parse(a)).toEqual({
      runId: spec.runId, taskId: task.taskId, assignment: 1, attempt: 1, repo: { ...spec.repo, credentials: 'none' }, branch: spec.branch,
      instruction: spec.instruction, history: [], executor: spec.executor, runToken: a!.runToken, limits: spec.limits, leaseMs: 2000,
      // The test Worker runs as local development (DURSOR_ALLOW_PRIVATE_URLS=true), and says so to the runner.
      allowPrivateAddresses: true,
    });
    expect(a!.allowPrivateAddresses).toBe(true);
    const claims = await verifyRunToken(env.DURSOR_ENCRYPTION_KEY, a!.runToken);
    expect(claims).toMatchObject({ runId: spec.runId, taskId: task.taskId });
    expect(claims!.exp - Date.now()).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(await room.claim(spec.runId, 'runner-b')).toBeNull();
    expect(await d1Run(spec.runId)).toMatchObject({ status: 'assigned', runner_id: 'runner-a' });
    expect(await d1TaskStatus(task.taskId)).toBe('running');
    const row = await roomRun(task.taskId, spec.runId);
    expect(Number(row.lease_until) - Date.now()).toBeGreaterThan(1000);
    expect(await runInDurableObject(room, (_, ctx) => ctx.storage.getAlarm())).not.toBeNull();
  });

  it('tells the runner the deployment\'s address policy: a deployment refuses private addresses (issue 11)', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const a = await runInDurableObject(room, async (instance) => {
      const env = (instance as unknown as { env: { DURSOR_ALLOW_PRIVATE_URLS: string } }).env;
      const before = env.DURSOR_ALLOW_PRIVATE_URLS;
      env.DURSOR_ALLOW_PRIVATE_URLS = 'false';
      try {
        return await instance.claim(task.runs[0].runId, 'runner-a');
      } finally {
        env.DURSOR_ALLOW_PRIVATE_URLS = before;
      }
    });
    expect(a?.allowPrivateAddresses).toBe(false);
    await poolStub().withdraw(task.runs[0].runId); // claimed directly: leave no offer behind for later tests
  });

  it('release puts the current assignment back in the queue and offers it again', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    await room.claim(runId, 'runner-a');
    await room.release(runId, 7, 'not mine'); // not the current assignment: ignored
    expect((await roomRun(task.taskId, runId)).status).toBe('assigned');
    await poolStub().withdraw(runId); // so the offer found below is a new one
    await room.release(runId, 1, 'busy');
    expect((await roomRun(task.taskId, runId)).status).toBe('queued');
    const events = await storedEvents(task.taskId);
    expect(events.findLast((e) => e.type === 'status')).toMatchObject({ type: 'status', status: 'queued', reason: 'released: busy' });
    expect((await poolOffers()).map((o) => o.run_id)).toContain(runId);
    expect((await room.claim(runId, 'runner-b'))?.assignment).toBe(2);
  });
});

describe('lease expiry (alarm)', () => {
  it('marks the run lost, re-queues it up to maxLostRetries, then fails it', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;

    for (let attempt = 1; attempt <= LIMITS.maxLostRetries + 1; attempt++) {
      const a = await room.claim(runId, `runner-${attempt}`);
      expect(a?.assignment).toBe(attempt);
      const sock = await openRunStream(task.taskId, runId, attempt, `runner-${attempt}`);
      expect(await sock.next()).toMatchObject({ type: 'attached' });
      sock.send({ type: 'frame', frame: 1, events: [ev.status(runId, 'running')] });
      await sock.nextOfType('ack');

      await expire(task.taskId, runId, 'lease_until');
      expect(await runDurableObjectAlarm(room)).toBe(true);
      expect((await sock.waitClose()).code).toBe(CLOSE_CODES.staleAssignment);

      const row = await d1Run(runId);
      if (attempt <= LIMITS.maxLostRetries) {
        expect(row).toMatchObject({ status: 'queued', retries: attempt, runner_id: null });
        expect(await d1TaskStatus(task.taskId)).toBe('running');
        const offer = (await poolOffers()).find((o) => o.run_id === runId);
        expect(offer).toMatchObject({ offered_to: null, task_id: task.taskId, executor: 'patch-agent' });
      } else {
        expect(row).toMatchObject({ status: 'failed', error: `runner lost after ${attempt} attempts` });
        expect(await d1TaskStatus(task.taskId)).toBe('failed');
      }
    }
    expect(await statusTrail(task.taskId, runId)).toEqual([
      'queued',
      'assigned', 'running', 'lost', 'queued',
      'assigned', 'running', 'lost', 'queued',
      'assigned', 'running', 'lost', 'failed',
    ]);
    const lost = (await storedEvents(task.taskId)).find((e) => e.type === 'status' && e.status === 'lost');
    expect(lost).toMatchObject({ reason: 'runner lost: lease expired' });
  });

  it('is idempotent: a second run of the alarm changes nothing', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    await room.claim(runId, 'runner-a');
    await expire(task.taskId, runId, 'lease_until');
    await runDurableObjectAlarm(room);
    const after1 = { events: await storedEvents(task.taskId), row: await roomRun(task.taskId, runId) };
    await runInDurableObject(room, async (_, ctx) => ctx.storage.setAlarm(Date.now() + 60_000));
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await storedEvents(task.taskId)).toEqual(after1.events);
    expect(await roomRun(task.taskId, runId)).toEqual(after1.row);
  });

  it('keeps a heartbeating run alive', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    await room.claim(runId, 'runner-a');
    const sock = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await sock.next();
    await expire(task.taskId, runId, 'lease_until');
    sock.send({ type: 'heartbeat' });
    sock.send({ type: 'frame', frame: 1, events: [ev.text(runId, 'barrier')] });
    await sock.nextOfType('ack');
    await runInDurableObject(room, async (_, ctx) => ctx.storage.setAlarm(Date.now() + 60_000));
    await runDurableObjectAlarm(room);
    expect((await roomRun(task.taskId, runId)).status).toBe('assigned');
    expect(sock.closed).toBeNull();
  });
});

describe('a run socket that closes (issue 9)', () => {
  const longLease = (taskId: string, runId: string) => runInDurableObject(roomStub(taskId), (_, ctx) => {
    ctx.storage.sql.exec('UPDATE runs SET lease_until = ? WHERE run_id = ?', Date.now() + 60_000, runId);
  });

  async function claimedAndClosed() {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    await room.claim(runId, 'runner-a');
    const sock = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await sock.next();
    await longLease(task.taskId, runId);
    sock.close();
    const grace = Math.min(LIMITS.runSocketGraceMs, 2000);
    await expect.poll(async () => Number((await roomRun(task.taskId, runId)).lease_until) - Date.now(), { timeout: 3000 }).toBeLessThanOrEqual(grace);
    expect(await runInDurableObject(room, (_, ctx) => ctx.storage.getAlarm())).toBeLessThanOrEqual(Date.now() + grace);
    await expire(task.taskId, runId, 'lease_until');
    return { task, room, runId };
  }

  it('cuts the lease to the grace, then hands the run to another runner that can start it', async () => {
    const { task, room, runId } = await claimedAndClosed();
    const rescuer = await openRunner('runner-b');
    rescuer.send({ type: 'hello', protocolVersion: 2, name: 'b', executors: ['patch-agent'], slots: 1, labels: [], activeRuns: [] });
    await rescuer.nextOfType('welcome');
    await runDurableObjectAlarm(room);
    expect((await rescuer.nextOfType('assign')).assignment).toMatchObject({ runId, assignment: 2 });
    expect(await statusTrail(task.taskId, runId)).toEqual(['queued', 'assigned', 'lost', 'queued', 'assigned']);
    const lost = (await storedEvents(task.taskId)).find((e) => e.type === 'status' && e.status === 'lost');
    expect(lost).toMatchObject({ reason: `runner lost: its connection closed and did not come back within ${LIMITS.runSocketGraceMs / 1000} s` });
  });

  it('keeps the full lease when no other runner could take the run (a runner cut off by an outage carries on)', async () => {
    const { task, room, runId } = await claimedAndClosed();
    await runDurableObjectAlarm(room);
    const row = await roomRun(task.taskId, runId);
    expect(row.status).toBe('assigned');
    expect(Number(row.lease_until)).toBe(Number(row.socket_gone_at) + 2000);
    // The runner comes back: the grace is over, the lease renewed.
    const back = await openRunStream(task.taskId, runId, 1, 'runner-a');
    expect(await back.next()).toMatchObject({ type: 'attached' });
    expect((await roomRun(task.taskId, runId)).socket_gone_at).toBeNull();
  });

  it('leaves the lease alone while another socket of the assignment is open (a reconnect that came first)', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    await room.claim(runId, 'runner-a');
    const older = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await older.next();
    const newer = await openRunStream(task.taskId, runId, 1, 'runner-a');
    expect(await newer.next()).toMatchObject({ type: 'attached' });
    await older.waitClose(); // replaced by the newer one
    await longLease(task.taskId, runId);
    older.close();
    newer.send({ type: 'heartbeat' });
    newer.send({ type: 'frame', frame: 1, events: [ev.text(runId, 'still here')] });
    await newer.nextOfType('ack');
    expect(Number((await roomRun(task.taskId, runId)).lease_until) - Date.now()).toBeGreaterThan(1000);
    expect((await roomRun(task.taskId, runId)).status).toBe('assigned');
  });
});

describe('stale assignments', () => {
  it('refuses sockets of an old assignment or another runner before the upgrade, and closes the current one with 4409 once the run ends', async () => {
    const task = await seedTask(1);
    const room = roomStub(task.taskId);
    await room.createRuns(task.taskId, task.runs);
    const runId = task.runs[0].runId;
    await room.claim(runId, 'runner-a');
    const first = await openRunStream(task.taskId, runId, 1, 'runner-a');
    await first.next();
    await expire(task.taskId, runId, 'lease_until');
    await runDurableObjectAlarm(room);
    await first.waitClose();
    await room.claim(runId, 'runner-b');

    expect(await refusedRunStream(task.taskId, runId, 1, 'runner-a')).toMatchObject({ status: 409, body: { error: { code: 'stale_assignment' } } });
    expect(await refusedRunStream(task.taskId, runId, 2, 'runner-a')).toMatchObject({ status: 409, body: { error: { code: 'stale_assignment' } } });
    expect(await refusedRunStream(task.taskId, 'no-such-run', 1, 'runner-b')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });

    const current = await openRunStream(task.taskId, runId, 2, 'runner-b');
    expect(await current.next()).toEqual({ type: 'attached', lastFrame: 0, cancelRequested: false, answersPing: true });
    current.send({ type: 'frame', frame: 1, events: [ev.result(runId, 'succeeded')] });
    expect(await current.next()).toEqual({ type: 'ack', frame: 1 });
    // The run is finished: the assignment is no longer current for new frames.
    current.send({ type: 'frame', frame: 2, events: [ev.text(runId, 'late')] });
    expect((await current.waitClose()).code).toBe(CLOSE_CODES.staleAssignment);
  });
});
