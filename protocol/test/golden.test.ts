/**
 * The codec against the golden frames (protocol/test/golden/): every valid message decodes to
 * itself (defaults filled in) and encodes back to the same text, every invalid one is refused with
 * its golden code and reason, and every message kind of every socket role has a golden file.
 */
import { describe, expect, it } from 'vitest';
import { SOCKET_PING, SOCKET_PONG, SOCKET_ROLES, decode, encode, encodeViewerEvents, send, storedEventJson, type Outgoing, type SocketRole, type StoredEvent } from '../src/index.ts';
import { GOLDEN, goldenOf, goldenText, shapeViolation } from './golden/golden.ts';

const roles = Object.keys(SOCKET_ROLES) as SocketRole[];

describe('golden frames', () => {
  it('cover every message type of every socket role', () => {
    for (const role of roles) {
      const schema = SOCKET_ROLES[role];
      const types = schema.options.map((o) => o.shape.type.value).sort();
      expect(goldenOf(role).map((g) => g.type).sort(), role).toEqual(types);
    }
  });

  for (const g of GOLDEN) {
    describe(`${g.role} ${g.type}`, () => {
      it.each(g.valid.map((e) => [e.name, e] as const))('accepts %s', (_name, e) => {
        const decoded = decode(g.role, goldenText(e));
        expect(decoded).toMatchObject({ ok: true, msg: e.message as object });
        expect(encode(g.role, e.message as Outgoing<typeof g.role>)).toBe(goldenText(e));
        expect(shapeViolation(g.role, e.message)).toBeNull();
      });
      it.each(g.invalid.map((e) => [e.name, e] as const))('refuses %s', (_name, e) => {
        expect(decode(g.role, goldenText(e))).toEqual({ ok: false, ...e.refusal });
      });
    });
  }

  it('refuses binary data on every role, as a bad message', () => {
    for (const role of roles) expect(decode(role, new ArrayBuffer(4))).toMatchObject({ ok: false, code: 4400 });
  });

  it('refuses the watchdog texts on every role: SOCKET_PING / SOCKET_PONG are answered and swallowed before decode', () => {
    // The DOs' auto-response, SocketLoop and the fakes handle them first; decoding one would close the socket.
    for (const role of roles) {
      expect(decode(role, SOCKET_PING), role).toMatchObject({ ok: false, code: 4400 });
      expect(decode(role, SOCKET_PONG), role).toMatchObject({ ok: false, code: 4400 });
    }
  });
});

describe('shapeViolation', () => {
  it('catches a field no golden frame has, even one the schema would strip', () => {
    expect(shapeViolation('roomToRunner', { type: 'ack', frame: 1, frames: 2 })).toMatch(/fields no golden frame has: frames/);
    expect(shapeViolation('poolToRunner', { type: 'welcome', runnerId: 'r', pool: 'p', protocolVersion: 2, pol: 'x' })).toMatch(/pol/);
  });
  it('catches a message its role does not decode', () => {
    expect(shapeViolation('roomToRunner', { type: 'attached', lastFrame: 0 })).toMatch(/does not decode/);
  });
});

describe('encodeViewerEvents', () => {
  it('writes the events message every golden one decodes as', () => {
    const golden = goldenOf('roomToViewer').find((g) => g.type === 'events')!.valid[0].message as { events: StoredEvent[] };
    const text = encodeViewerEvents(golden.events.map(storedEventJson));
    expect(text).toBe(JSON.stringify(golden));
    expect(decode('roomToViewer', text).ok).toBe(true);
  });
});

describe('send', () => {
  it('never throws: a socket that throws on send is reported as not sent', () => {
    const gone = { send: () => { throw new Error('socket closed'); } };
    expect(send(gone, 'roomToRunner', { type: 'cancel', reason: 'stop' })).toBe(false);
    const got: string[] = [];
    expect(send({ send: (t: string) => got.push(t) }, 'roomToRunner', { type: 'ack', frame: 2 })).toBe(true);
    expect(got).toEqual(['{"type":"ack","frame":2}']);
  });
});
