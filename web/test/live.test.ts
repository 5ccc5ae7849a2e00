/**
 * LiveConnection against a real WebSocket server on 127.0.0.1 (ws), dialled with Node's own
 * WebSocket: replay + sync, dropping seq ≤ last, parse failures, and resuming after a drop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket as WsSocket } from 'ws';
import type { StoredEvent } from '../../protocol/src/index.ts';
import { waitFor } from '../../testkit/src/wait.ts';
import { LiveConnection, liveUrl } from '../src/lib/live.ts';
import type { LiveState } from '../src/lib/live.ts';

type Conn = { socket: WsSocket; url: URL };
let server: WebSocketServer;
let origin: string;
let conns: Conn[];
let live: LiveConnection | null;

beforeEach(async () => {
  conns = [];
  live = null;
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket, req) => {
    conns.push({ socket, url: new URL(req.url ?? '/', 'http://x') });
  });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const addr = server.address();
  if (typeof addr === 'string' || !addr) throw new Error('no address');
  origin = `http://127.0.0.1:${addr.port}`;
});

afterEach(async () => {
  live?.close();
  for (const c of server.clients) c.terminate();
  await new Promise<void>((r) => server.close(() => r()));
});

function nthConnection(n: number): Promise<Conn> {
  return waitFor(`connection ${n}`, () => conns[n - 1], 5_000, 10);
}
const text = (seq: number, t: string): StoredEvent => ({ type: 'text', runId: 'r1', ts: 1, text: t, seq });
const send = (c: Conn, msg: unknown) => c.socket.send(JSON.stringify(msg));

function start(after = 0) {
  const batches: StoredEvent[][] = [];
  const states: Array<{ state: LiveState; lastSeq: number }> = [];
  live = new LiveConnection({
    taskId: 'task 1',
    after,
    origin,
    backoff: { baseMs: 5, capMs: 20 },
    onEvents: (events) => batches.push(events),
    onState: (state, info) => states.push({ state, lastSeq: info.lastSeq }),
  });
  return { batches, states };
}

describe('live socket', () => {
  it('builds ws and wss URLs from the page origin', () => {
    expect(liveUrl('http://localhost:5173', 't/1', 7)).toBe('ws://localhost:5173/v1/tasks/t%2F1/live?after=7');
    expect(liveUrl('https://dursor.example.com', 't1', 0)).toBe('wss://dursor.example.com/v1/tasks/t1/live?after=0');
  });

  it('asks for events after its last seq, hands over each message as one batch, and goes live on sync', async () => {
    const { batches, states } = start(3);
    const c = await nthConnection(1);
    expect(c.url.pathname).toBe('/v1/tasks/task%201/live');
    expect(c.url.searchParams.get('after')).toBe('3');
    expect(live?.state).toBe('connecting');
    expect(states).toEqual([]);
    send(c, { type: 'events', events: [text(2, 'old'), text(4, 'a'), text(5, 'b')] });
    send(c, { type: 'sync', seq: 5 });
    await waitFor('live', () => live?.state === 'live', 5_000, 10);
    expect(batches).toEqual([[text(4, 'a'), text(5, 'b')]]);
    send(c, { type: 'events', events: [text(5, 'dup'), text(6, 'c')] });
    await waitFor('two batches', () => batches.length === 2, 5_000, 10);
    expect(batches[1]).toEqual([text(6, 'c')]);
    expect(live?.lastSeq).toBe(6);
  });

  it('hands a replay sent in several messages over as one batch at sync; a cut mid-replay keeps what came', async () => {
    const { batches } = start();
    const c1 = await nthConnection(1);
    send(c1, { type: 'events', events: [text(1, 'a'), text(2, 'b')] });
    send(c1, { type: 'events', events: [text(3, 'c')] });
    send(c1, { type: 'sync', seq: 3 });
    await waitFor('live', () => live?.state === 'live', 5_000, 10);
    expect(batches).toEqual([[text(1, 'a'), text(2, 'b'), text(3, 'c')]]);

    send(c1, { type: 'events', events: [text(4, 'd')] });
    await waitFor('two batches', () => batches.length === 2, 5_000, 10);
    c1.socket.terminate();
    const c2 = await nthConnection(2);
    send(c2, { type: 'events', events: [text(5, 'e')] });
    await new Promise((r) => setTimeout(r, 30));
    expect(batches).toHaveLength(2);
    c2.socket.terminate();
    const c3 = await nthConnection(3);
    expect(c3.url.searchParams.get('after')).toBe('5');
    expect(batches.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reconnects after a drop, resuming after the last seq, and drops the overlap', async () => {
    const { batches, states } = start();
    const c1 = await nthConnection(1);
    send(c1, { type: 'events', events: [text(1, 'a'), text(2, 'b')] });
    send(c1, { type: 'sync', seq: 2 });
    await waitFor('live', () => live?.state === 'live', 5_000, 10);
    c1.socket.terminate();
    const c2 = await nthConnection(2);
    expect(c2.url.searchParams.get('after')).toBe('2');
    expect(states.some((s) => s.state === 'reconnecting' && s.lastSeq === 2)).toBe(true);
    send(c2, { type: 'events', events: [text(2, 'b'), text(3, 'c')] });
    send(c2, { type: 'sync', seq: 3 });
    await waitFor('live with two batches', () => live?.state === 'live' && batches.length === 2, 5_000, 10);
    expect(batches.flat().map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('treats an unreadable message as a gap: closes and resyncs from the last good seq', async () => {
    const { batches } = start();
    const c1 = await nthConnection(1);
    send(c1, { type: 'events', events: [text(1, 'a')] });
    send(c1, { type: 'events', events: [{ seq: 2, type: 'text' }] });
    const c2 = await nthConnection(2);
    expect(c2.url.searchParams.get('after')).toBe('1');
    expect(batches).toEqual([[text(1, 'a')]]);
  });

  it('stops for good on close', async () => {
    start();
    const c1 = await nthConnection(1);
    send(c1, { type: 'sync', seq: 0 });
    await waitFor('live', () => live?.state === 'live', 5_000, 10);
    const closed = new Promise<number>((r) => c1.socket.once('close', (code) => r(code)));
    live?.close();
    expect(live?.state).toBe('closed');
    expect(await closed).toBe(1000);
    // Absence of a reconnect can only be shown by waiting: several backoff periods (5–20 ms).
    await new Promise((r) => setTimeout(r, 80));
    expect(conns).toHaveLength(1);
  });
});
