/**
 * The golden frames (protocol/test/golden/) against the fake Worker, as worker/test/golden-frames
 * holds the real TaskRoom and RunnerPool to them: it accepts every valid runner message, refuses
 * every invalid one with the same close code and reason as the real one, and every frame it sends
 * (welcome, credential, assign, attached, ack, cancel) has a golden shape. A runner tested against
 * the fake is then tested against what the Worker really says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunEvent } from '../../protocol/src/index.ts';
import { goldenOf, goldenText, shapeViolation } from '../../protocol/test/golden/golden.ts';
import { startFakeWorker, type FakeWorker } from '../src/fake-worker.ts';

const toPool = goldenOf('runnerToPool');
const toRoom = goldenOf('runnerToRoom');
const hellos = toPool.find((g) => g.type === 'hello')!.valid;
const textFrame = toRoom.find((g) => g.type === 'frame')!.valid.find((e) => e.name === 'a single event')!.message;

/** A raw client socket: every message parsed and queued, the close recorded, each wait bounded. */
class Client {
  readonly ws: WebSocket;
  readonly received: Array<{ type: string }> = [];
  closed: { code: number; reason: string } | null = null;
  #read = 0;
  #fw: FakeWorker;

  constructor(fw: FakeWorker, path: string, credential: string) {
    this.#fw = fw;
    this.ws = new WebSocket(`${fw.url.replace('http', 'ws')}${path}`, { headers: { authorization: `Bearer ${credential}` } });
    this.ws.on('message', (d) => this.received.push(JSON.parse(String(d))));
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }
  send(text: string): void {
    this.ws.send(text);
  }
  nextOfType(type: string): Promise<{ type: string }> {
    return this.#fw.waitFor(() => {
      while (this.#read < this.received.length) {
        const m = this.received[this.#read++];
        if (m.type === type) return m;
      }
      return undefined;
    }, `a ${type} message`, 5_000);
  }
  waitClose(): Promise<{ code: number; reason: string }> {
    return this.#fw.waitFor(() => this.closed, 'the socket to close', 5_000);
  }
}

describe('the fake Worker against the golden frames', () => {
  let fw: FakeWorker;
  const credential = 'drc_golden_runner';
  const clients: Client[] = [];
  const open = async (path: string) => {
    const c = new Client(fw, path, credential);
    clients.push(c);
    await c.opened();
    return c;
  };
  /** A greeted pool socket (the fake has one live runner: the last one greeted). */
  const greeted = async (hello = hellos[1]) => {
    const pool = await open('/v1/runners/connect');
    pool.send(goldenText(hello));
    expect(shapeViolation('poolToRunner', await pool.nextOfType('welcome'))).toBeNull();
    return pool;
  };
  /** A run assigned on `pool` with its run socket attached. */
  const attachedRun = async (pool: Client) => {
    const a = fw.assign({ cloneUrl: 'https://git.example/acme/app.git', instruction: 'do it' });
    expect(shapeViolation('poolToRunner', await pool.nextOfType('assign'))).toBeNull();
    const run = await open(`/v1/runs/${a.runId}/stream?assignment=${a.assignment}`);
    expect(shapeViolation('roomToRunner', await run.nextOfType('attached'))).toBeNull();
    return { runId: a.runId, run };
  };
  const asRunFrame = (message: unknown, runId: string) => {
    const m = message as { type: string; events?: RunEvent[] };
    return JSON.stringify(m.type === 'frame' ? { ...m, frame: 1, events: m.events!.map((e) => ({ ...e, runId })) } : m);
  };

  beforeAll(async () => {
    fw = await startFakeWorker({ rotateCredentials: true });
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await fw.close();
  });

  it('welcomes every valid hello, and greets in golden shapes (a rotating runner gets its credential)', async () => {
    for (const e of hellos) {
      fw.credentials.add(credential);
      const pool = await open('/v1/runners/connect');
      pool.send(goldenText(e));
      expect(shapeViolation('poolToRunner', await pool.nextOfType('welcome')), e.name).toBeNull();
      if ((e.message as { rotatesCredential?: boolean }).rotatesCredential) {
        expect(shapeViolation('poolToRunner', await pool.nextOfType('credential'))).toBeNull();
      }
    }
  });

  it('accepts every other valid runner → pool message (a later hello is still answered)', async () => {
    fw.credentials.add(credential);
    const pool = await greeted();
    for (const g of toPool.filter((g) => g.type !== 'hello')) {
      for (const e of g.valid) {
        pool.send(goldenText(e));
        pool.send(goldenText(hellos[1]));
        await pool.nextOfType('welcome');
        expect(pool.closed, `${g.type}: ${e.name}`).toBeNull();
      }
    }
  });

  for (const g of toPool) {
    for (const e of g.invalid) {
      it(`refuses ${g.type}: ${e.name}, as the RunnerPool does`, async () => {
        fw.credentials.add(credential);
        const pool = await open('/v1/runners/connect');
        pool.send(goldenText(e));
        expect(await pool.waitClose()).toEqual(e.refusal);
      });
    }
  }

  for (const g of toRoom) {
    for (const e of g.valid) {
      it(`accepts ${g.type}: ${e.name}, and acks in the golden shape`, async () => {
        fw.credentials.add(credential);
        const { runId, run } = await attachedRun(await greeted());
        run.send(asRunFrame(e.message, runId));
        if (g.type !== 'frame') run.send(asRunFrame(textFrame, runId));
        expect(shapeViolation('roomToRunner', await run.nextOfType('ack'))).toBeNull();
        expect(fw.runs.get(runId)!.violations).toEqual([]);
      });
    }
    for (const e of g.invalid) {
      it(`refuses ${g.type}: ${e.name}, as TaskRoom does`, async () => {
        fw.credentials.add(credential);
        const { runId, run } = await attachedRun(await greeted());
        run.send(e.text ?? asRunFrame(e.message, runId).replace('"frame":1,', `"frame":${(e.message as { frame: number }).frame},`));
        expect(await run.waitClose()).toEqual(e.refusal);
        expect(fw.runs.get(runId)!.violations).toHaveLength(1);
      });
    }
  }

  it('cancels in the golden shape', async () => {
    fw.credentials.add(credential);
    const { runId, run } = await attachedRun(await greeted());
    fw.cancel(runId);
    expect(shapeViolation('roomToRunner', await run.nextOfType('cancel'))).toBeNull();
  });
});
