/**
 * The runner's two sockets against the golden frames (protocol/test/golden/), with a bare ws
 * server on 127.0.0.1 playing the Worker's half by the files alone: every frame the runner sends
 * (hello, accept, reject, capacity, credentialSaved, frame, heartbeat) has a golden shape, every
 * valid frame the Worker may send is acted on, and every invalid one makes the runner drop the
 * socket and redial (it resyncs on the next hello / attached) instead of acting on it. The server
 * answers the watchdog's SOCKET_PING with SOCKET_PONG as the Workers runtime does (raw texts, not
 * codec messages): a pong must never reach the runner's decode.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { Backoff, SOCKET_PING, SOCKET_PONG, type Assignment, type RunEvent } from '../../protocol/src/index.ts';
import { goldenOf, goldenText, shapeViolation } from '../../protocol/test/golden/golden.ts';
import { PoolConnection } from '../src/connection/pool-connection.ts';
import { RunConnection } from '../src/connection/run-connection.ts';
import { RunnerCredential } from '../src/credential.ts';
import { createLogger } from '../src/log.ts';
import { waitFor, type Maybe } from '../../testkit/src/wait.ts';

interface Conn { socket: WsSocket; received: Array<{ type: string }>; pings: number; closed: boolean }
let server: WebSocketServer;
let baseUrl: string;
let conns: Conn[];
let stops: Array<() => void>;

beforeEach(async () => {
  conns = [];
  stops = [];
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    const c: Conn = { socket, received: [], pings: 0, closed: false };
    socket.on('message', (d) => {
      if (String(d) === SOCKET_PING) return void (c.pings++, socket.send(SOCKET_PONG));
      c.received.push(JSON.parse(String(d)));
    });
    socket.on('close', () => (c.closed = true));
    conns.push(c);
  });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const addr = server.address();
  if (typeof addr === 'string' || !addr) throw new Error('no address');
  baseUrl = `http://127.0.0.1:${addr.port}`;
});

afterEach(async () => {
  for (const stop of stops) stop();
  for (const c of server.clients) c.terminate();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Bounded like every wait of the tests: 5 s, re-checking every 10 ms. */
const until = <T>(get: () => Maybe<T>, what: string): Promise<T> => waitFor(what, get, 5_000, 10);
const next = (c: Conn, type: string) => until(() => c.received.find((m) => m.type === type), `a ${type} message`);
const log = createLogger({ write: () => undefined });
const backoff = () => new Backoff({ baseMs: 5, capMs: 20 });

describe('PoolConnection against the golden frames', () => {
  const golden = goldenOf('poolToRunner');
  function connect(assigned: Assignment[] = [], watchdog?: { pingEveryMs: number; silenceMs: number }) {
    const pool = new PoolConnection({
      ...(watchdog ? { watchdog } : {}),
      baseUrl, credential: new RunnerCredential('drc_golden', { save: async () => undefined }), name: 'golden-runner', slots: 2,
      labels: ['linux'], executors: ['patch-agent'], sandbox: 'none', log, activeRuns: () => ['run_a'],
      onAssign: (a) => assigned.push(a), onTerminal: () => undefined, backoff: backoff(),
    });
    pool.start();
    stops.push(() => pool.stop());
    return pool;
  }

  it('acts on every valid frame, and sends only golden-shaped ones', async () => {
    const assigned: Assignment[] = [];
    const pool = connect(assigned);
    const c = await until(() => conns[0], 'the pool socket');
    expect(shapeViolation('runnerToPool', await next(c, 'hello'))).toBeNull();
    for (const g of golden) for (const e of g.valid) c.socket.send(goldenText(e));
    const assigns = golden.find((g) => g.type === 'assign')!.valid;
    await until(() => pool.welcomed && assigned.length === assigns.length, 'welcome and every assignment');
    assigns.forEach((e, i) => expect(assigned[i]).toMatchObject((e.message as { assignment: object }).assignment));
    // The credential was saved, then confirmed.
    expect(shapeViolation('runnerToPool', await next(c, 'credentialSaved'))).toBeNull();
    pool.accept('run_a');
    pool.reject('run_b', 'no free slot');
    pool.sendCapacity();
    for (const type of ['accept', 'reject', 'capacity']) expect(shapeViolation('runnerToPool', await next(c, type)), type).toBeNull();
    expect(c.closed).toBe(false);
  });

  it('pings once the welcome says answersPing, and the pongs never reach decode', async () => {
    const pool = connect([], { pingEveryMs: 20, silenceMs: 5_000 });
    const c = await until(() => conns[0], 'the pool socket');
    await next(c, 'hello');
    const welcome = golden.find((g) => g.type === 'welcome')!.valid.find((e) => (e.message as { answersPing?: boolean }).answersPing)!;
    c.socket.send(goldenText(welcome));
    await until(() => pool.welcomed && c.pings >= 3, 'three pings');
    expect(c.closed).toBe(false);
    expect(conns).toHaveLength(1);
  });

  for (const e of golden.flatMap((g) => g.invalid)) {
    it(`drops the socket and redials on ${e.name}`, async () => {
      const assigned: Assignment[] = [];
      connect(assigned);
      const c = await until(() => conns[0], 'the pool socket');
      await next(c, 'hello');
      c.socket.send(goldenText(e));
      await until(() => c.closed, 'the runner to drop the socket');
      expect(shapeViolation('runnerToPool', await next(await until(() => conns[1], 'a redial'), 'hello'))).toBeNull();
      expect(assigned).toEqual([]);
    });
  }
});

describe('RunConnection against the golden frames', () => {
  const golden = goldenOf('roomToRunner');
  const events = (goldenOf('runnerToRoom').find((g) => g.type === 'frame')!.valid[0].message as { events: RunEvent[] }).events;
  function connect(cancels: string[] = [], watchdog?: { pingEveryMs: number; silenceMs: number }) {
    const run = new RunConnection({
      ...(watchdog ? { watchdog } : {}),
      baseUrl, credential: 'drc_golden', runId: 'run_a', assignment: 1, leaseMs: 300, log,
      onCancel: (reason) => cancels.push(reason), onLost: () => undefined, backoff: backoff(),
    });
    run.start();
    stops.push(() => void run.close());
    return run;
  }

  it('acts on every valid frame, and sends only golden-shaped frames and heartbeats', async () => {
    const cancels: string[] = [];
    const run = connect(cancels);
    const c = await until(() => conns[0], 'the run socket');
    c.socket.send(goldenText(golden.find((g) => g.type === 'attached')!.valid[0]));
    const sent = run.sendFrame(events);
    expect(shapeViolation('runnerToRoom', await next(c, 'frame'))).toBeNull();
    // leaseMs 300: a heartbeat every 100 ms.
    expect(shapeViolation('runnerToRoom', await next(c, 'heartbeat'))).toBeNull();
    for (const g of golden.filter((g) => g.type !== 'attached')) for (const e of g.valid) c.socket.send(goldenText(e));
    await until(() => run.ackedFrame === sent && cancels.length > 0, 'the ack and the cancel');
    expect(cancels).toEqual(golden.find((g) => g.type === 'cancel')!.valid.map((e) => (e.message as { reason: string }).reason));
    expect(c.closed).toBe(false);
  });

  it('pings once attached says answersPing, and the pongs never reach decode', async () => {
    connect([], { pingEveryMs: 20, silenceMs: 5_000 });
    const c = await until(() => conns[0], 'the run socket');
    const attached = golden.find((g) => g.type === 'attached')!.valid.find((e) => (e.message as { answersPing?: boolean }).answersPing)!;
    c.socket.send(goldenText(attached));
    await until(() => c.pings >= 3, 'three pings');
    expect(c.closed).toBe(false);
    expect(conns).toHaveLength(1);
  });

  for (const e of golden.flatMap((g) => g.invalid)) {
    it(`drops the socket and redials on ${e.name}`, async () => {
      const cancels: string[] = [];
      connect(cancels);
      const c = await until(() => conns[0], 'the run socket');
      c.socket.send(goldenText(e));
      await until(() => c.closed, 'the runner to drop the socket');
      await until(() => conns[1], 'a redial');
      expect(cancels).toEqual([]);
    });
  }
});
