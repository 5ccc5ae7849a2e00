/**
 * The web app's two sockets against the golden frames (protocol/test/golden/): LiveConnection
 * (roomToViewer) and FeedConnection (feedToViewer), each dialled with Node's own WebSocket at a
 * real ws server on 127.0.0.1, accept every valid message and close on every invalid one with the
 * golden code and reason (the refusal TaskRoom's and UserFeed's frames are held to).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import type { StoredEvent, Task } from '../../protocol/src/index.ts';
import { goldenOf, goldenText } from '../../protocol/test/golden/golden.ts';
import { FeedConnection } from '../src/lib/feed.ts';
import { LiveConnection } from '../src/lib/live.ts';
import { waitFor, type Maybe } from '../../testkit/src/wait.ts';

let server: WebSocketServer;
let origin: string;
let conns: WsSocket[];
let closers: Array<() => void>;

beforeEach(async () => {
  conns = [];
  closers = [];
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => conns.push(socket));
  await new Promise<void>((r) => server.once('listening', () => r()));
  const addr = server.address();
  if (typeof addr === 'string' || !addr) throw new Error('no address');
  origin = `http://127.0.0.1:${addr.port}`;
});

afterEach(async () => {
  for (const close of closers) close();
  for (const c of server.clients) c.terminate();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Bounded like every wait of the tests: 5 s, re-checking every 10 ms. */
const until = <T>(get: () => Maybe<T>): Promise<T> => waitFor('the viewer', get, 5_000, 10);
const closeOf = (s: WsSocket) => new Promise<{ code: number; reason: string }>((r) => s.once('close', (code, reason) => r({ code, reason: String(reason) })));
const backoff = { baseMs: 5, maxMs: 20 };

describe('LiveConnection against the golden frames', () => {
  const golden = goldenOf('roomToViewer');

  it('accepts every valid message: the replayed events arrive at sync', async () => {
    const got: StoredEvent[] = [];
    const live = new LiveConnection({ taskId: 't1', origin, backoff, onEvents: (events) => got.push(...events) });
    closers.push(() => live.close());
    const c = await until(() => conns[0]);
    const events = golden.find((g) => g.type === 'events')!.valid;
    for (const e of events) c.send(goldenText(e));
    c.send(goldenText(golden.find((g) => g.type === 'sync')!.valid[0]));
    await until(() => live.state === 'live');
    expect(got).toEqual(events.flatMap((e) => (e.message as { events: StoredEvent[] }).events));
  });

  for (const e of golden.flatMap((g) => g.invalid)) {
    it(`closes on ${e.name} with ${e.refusal!.code} "${e.refusal!.reason}"`, async () => {
      const live = new LiveConnection({ taskId: 't1', origin, backoff, onEvents: () => undefined });
      closers.push(() => live.close());
      const c = await until(() => conns[0]);
      const closed = closeOf(c);
      c.send(goldenText(e));
      expect(await closed).toEqual(e.refusal);
    });
  }
});

describe('FeedConnection against the golden frames', () => {
  const golden = goldenOf('feedToViewer');

  it('accepts every valid message', async () => {
    let hellos = 0;
    const tasks: Task[] = [];
    const feed = new FeedConnection({ origin, backoff, onHello: () => hellos++, onTask: (t) => tasks.push(t) });
    closers.push(() => feed.close());
    const c = await until(() => conns[0]);
    const valid = golden.flatMap((g) => g.valid);
    for (const e of valid) c.send(goldenText(e));
    const sentTasks = valid.filter((e) => (e.message as { type: string }).type === 'task');
    await until(() => tasks.length === sentTasks.length && hellos > 0);
    expect(tasks).toEqual(sentTasks.map((e) => (e.message as { task: Task }).task));
  });

  for (const e of golden.flatMap((g) => g.invalid)) {
    it(`closes on ${e.name} with ${e.refusal!.code} "${e.refusal!.reason}"`, async () => {
      const feed = new FeedConnection({ origin, backoff, onHello: () => undefined, onTask: () => undefined });
      closers.push(() => feed.close());
      const c = await until(() => conns[0]);
      const closed = closeOf(c);
      c.send(goldenText(e));
      expect(await closed).toEqual(e.refusal);
    });
  }
});
