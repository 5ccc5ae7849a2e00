/**
 * Drives TaskRoom and RunnerPool the way the Worker does: RPC on stubs, and WebSocket upgrades
 * forwarded to the DO's fetch with the internal identity headers. Tracks every socket and room it
 * opened so `cleanup()` can stop them between tests (tests in one file share storage).
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { PROTOCOL_VERSION } from '../../../protocol/src/index.ts';
import type { RunEvent, StoredEvent } from '../../../protocol/src/index.ts';
import { HEADER_POOL, HEADER_RUNNER_ID, HEADER_RUNNER_NAME, HEADER_USER_ID } from '../../src/lib/internal-headers.ts';
import type { TaskRoom } from '../../src/task-room/task-room.ts';
import { runnerPoolStub, taskRoomStub } from '../../src/durable/stubs.ts';
import { TestSocket } from './test-socket.ts';

const sockets: TestSocket[] = [];
const rooms = new Set<string>();

export function roomStub(taskId: string): DurableObjectStub<TaskRoom> {
  rooms.add(taskId);
  return taskRoomStub(env, taskId);
}

export function poolStub() {
  return runnerPoolStub(env);
}

async function upgrade(stub: { fetch(r: Request): Promise<Response> }, url: string, headers: Record<string, string>): Promise<TestSocket> {
  const res = await stub.fetch(new Request(url, { headers: { Upgrade: 'websocket', ...headers } }));
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade to ${url} failed: ${res.status} ${await res.text()}`);
  const socket = new TestSocket(res.webSocket);
  sockets.push(socket);
  return socket;
}

export function openViewer(taskId: string, after?: number, userId = 'viewer-user'): Promise<TestSocket> {
  const q = after === undefined ? '' : `?after=${after}`;
  return upgrade(roomStub(taskId), `https://task-room/live${q}`, { [HEADER_USER_ID]: userId });
}

export function openRunStream(taskId: string, runId: string, assignment: number, runnerId: string): Promise<TestSocket> {
  return upgrade(roomStub(taskId), `https://task-room/run-stream?runId=${encodeURIComponent(runId)}&assignment=${assignment}`, {
    [HEADER_RUNNER_ID]: runnerId,
  });
}

/** A run-socket upgrade the room is expected to refuse: its status and JSON body (never a 101). */
export async function refusedRunStream(taskId: string, runId: string, assignment: number, runnerId: string): Promise<{ status: number; body: unknown }> {
  const res = await roomStub(taskId).fetch(new Request(`https://task-room/run-stream?runId=${encodeURIComponent(runId)}&assignment=${assignment}`, {
    headers: { Upgrade: 'websocket', [HEADER_RUNNER_ID]: runnerId },
  }));
  if (res.webSocket) {
    new TestSocket(res.webSocket).close();
    throw new Error(`the run socket to ${runId} (assignment ${assignment}, ${runnerId}) was upgraded, not refused`);
  }
  return { status: res.status, body: await res.json() };
}

export function openRunner(runnerId: string, name = 'test-runner'): Promise<TestSocket> {
  return upgrade(poolStub(), 'https://runner-pool/connect', {
    [HEADER_RUNNER_ID]: runnerId,
    [HEADER_RUNNER_NAME]: name,
    [HEADER_POOL]: 'default',
  });
}

/**
 * A connected runner that offers `executors` with every slot busy: the pool hands it nothing, and
 * no queued run counts as waiting for an agent (so tests that drive claims themselves see no
 * "no connected runner offers …" warning in their event log).
 */
export async function busyRunner(executors: string[] = ['patch-agent']): Promise<TestSocket> {
  const sock = await openRunner(`busy-${crypto.randomUUID().slice(0, 8)}`, 'busy-runner');
  sock.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, name: 'busy-runner', executors, slots: 1, labels: [], activeRuns: ['elsewhere'] });
  await sock.nextOfType('welcome');
  return sock;
}

/** Every event the room stores, read from its SQLite. */
export function storedEvents(taskId: string): Promise<StoredEvent[]> {
  return runInDurableObject(roomStub(taskId), (_, ctx) =>
    ctx.storage.sql
      .exec<{ seq: number; data: string }>('SELECT seq, data FROM events ORDER BY seq')
      .toArray()
      .map((r) => ({ ...(JSON.parse(r.data) as RunEvent), seq: r.seq })),
  );
}

/** One column set of a run's row in the room's SQLite. */
export function roomRun(taskId: string, runId: string): Promise<Record<string, SqlStorageValue>> {
  return runInDurableObject(roomStub(taskId), (_, ctx) => ctx.storage.sql.exec('SELECT * FROM runs WHERE run_id = ?', runId).one());
}

/** Move a run's deadline into the past, as if time had passed. */
export function expire(taskId: string, runId: string, column: 'lease_until' | 'cancel_deadline'): Promise<void> {
  return runInDurableObject(roomStub(taskId), (_, ctx) => {
    ctx.storage.sql.exec(`UPDATE runs SET ${column} = ? WHERE run_id = ?`, Date.now() - 1, runId);
  });
}

export function poolOffers(): Promise<Record<string, SqlStorageValue>[]> {
  return runInDurableObject(poolStub(), (_, ctx) => ctx.storage.sql.exec('SELECT * FROM offers ORDER BY created_at, rowid').toArray());
}

/** Events as a runner would emit them. */
export const ev = {
  status: (runId: string, status: 'preparing' | 'running' | 'finishing'): RunEvent => ({ type: 'status', runId, ts: Date.now(), status }),
  text: (runId: string, text: string): RunEvent => ({ type: 'text', runId, ts: Date.now(), text }),
  result: (runId: string, outcome: 'succeeded' | 'failed' | 'cancelled', extra: Record<string, unknown> = {}): RunEvent => ({
    type: 'result', runId, ts: Date.now(),
    result: { outcome, files: [], stats: { files: 0, additions: 0, deletions: 0 }, ...extra },
  }),
};

/**
 * Stop everything a test started: close its sockets, end every unfinished run of its rooms and
 * drop their alarms (leases are 2 s in tests and would otherwise re-queue runs into the shared
 * pool during the next test), and empty the pool's queue.
 */
export async function cleanup(): Promise<void> {
  for (const s of sockets.splice(0)) s.close();
  for (const taskId of [...rooms]) {
    await runInDurableObject(roomStub(taskId), async (_, ctx) => {
      ctx.storage.sql.exec(`UPDATE runs SET status = 'cancelled', lease_until = NULL, offer_retry_at = NULL WHERE status NOT IN ('succeeded','failed','cancelled')`);
      await ctx.storage.deleteAlarm();
    });
  }
  rooms.clear();
  await runInDurableObject(poolStub(), (_, ctx) => {
    ctx.storage.sql.exec('DELETE FROM offers');
  });
}
