/**
 * lib/resource.ts, the one fetch abstraction every page uses, against a real HTTP server on
 * 127.0.0.1 through the real API wrapper: loading → ready, the API's own error message, a failed
 * refresh that keeps the data, shared concurrent loads, and reset aborting a request in flight
 * so its late answer never shows.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { request } from '../src/lib/api.ts';
import { Resource } from '../src/lib/resource.ts';

/** GET /n → the next count; GET /fail → a 409 in the API's error shape; GET /slow → answers when released. */
let count = 0;
let fail = false;
const held: Array<() => void> = [];
const server = createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (fail) return send(409, { error: { code: 'conflict', message: 'The task changed meanwhile.' } });
  if (req.url === '/slow') return held.push(() => send(200, { n: ++count }));
  send(200, { n: ++count });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const N = z.object({ n: z.number() });
const get = (path: string) => (signal: AbortSignal) => request('GET', `${base}${path}`, N, { signal });

describe('Resource', () => {
  it('goes idle → loading → ready, and ensure() loads only once', async () => {
    const r = new Resource(get('/n'));
    expect(r.state.value.status).toBe('idle');
    const p = r.ensure();
    expect(r.loading).toBe(true);
    await p;
    const first = r.data!.n;
    expect(r.state.value).toEqual({ status: 'ready', data: { n: first }, error: null });
    await r.ensure();
    expect(r.data!.n).toBe(first);
  });

  it('shows the API’s own message on failure and keeps what it had under the error', async () => {
    const r = new Resource(get('/n'));
    await r.load();
    const had = r.data;
    fail = true;
    try {
      await r.load();
    } finally {
      fail = false;
    }
    expect(r.state.value).toEqual({ status: 'error', data: had, error: 'The task changed meanwhile.' });
    expect(r.loading).toBe(false);
    r.reload();
    await r.ensure();
    expect(r.state.value.status).toBe('ready');
    expect(r.error).toBeNull();
  });

  it('shares one request between concurrent loads', async () => {
    const r = new Resource(get('/slow'));
    const [a, b] = [r.load(), r.load()];
    expect(a).toBe(b);
    await waitFor(() => held.length === 1);
    held.shift()!();
    await a;
    expect(held).toHaveLength(0);
    expect(r.state.value.status).toBe('ready');
  });

  it('reset aborts the request in flight, and its answer never shows', async () => {
    let seen: AbortSignal | null = null;
    const r = new Resource((signal) => {
      seen = signal;
      return get('/slow')(signal);
    });
    const p = r.load();
    await waitFor(() => held.length === 1);
    r.reset();
    expect(seen!.aborted).toBe(true);
    held.shift()!();
    await p;
    expect(r.state.value).toEqual({ status: 'idle', data: null, error: null });
  });
});

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error('condition not met within 2 s');
}
