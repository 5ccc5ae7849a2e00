/**
 * The per-run gateway relay against a real HTTP server standing in for the Worker, behind testkit's
 * TCP proxy so the "Worker" can be unreachable for a while: token swap in every place a provider
 * family puts its key, refusals of foreign paths and tokens, Claude Code's HEAD probe, requests that
 * wait out an outage (with their retry lines), a bounded give-up in the provider's error shape, no
 * retry of the Worker's own answers, SSE passed through unbuffered, and a mid-stream cut kept a cut.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../testkit/src/index.ts';
import { Backoff } from '../../protocol/src/index.ts';
import { startGatewayRelay, type GatewayRelay, type RelayOptions } from '../src/gateway-relay/relay.ts';

const RUN_TOKEN = 'drt_real_run_token_abcdef123456';
interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }
let seen: Seen[] = [];
let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;
let worker: ReturnType<typeof createServer>;
let proxy: TcpProxy;
const relays: GatewayRelay[] = [];
let reports: string[] = [];

beforeAll(async () => {
  worker = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((r) => worker.listen(0, '127.0.0.1', r));
  proxy = await startTcpProxy((worker.address() as AddressInfo).port);
});
afterAll(async () => {
  await proxy.close();
  worker.closeAllConnections();
  await new Promise((r) => worker.close(r));
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.close()));
  seen = [];
  reports = [];
});

const ok = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-dursor-gateway': '1', 'x-request-id': 'req_1' });
  res.end('{"ok":true}');
};
async function relay(gatewayPath = '/v1/llm/openai', o: Partial<RelayOptions> = {}): Promise<GatewayRelay> {
  const r = await startGatewayRelay({
    workerUrl: proxy.url, gatewayPath, runToken: RUN_TOKEN,
    newBackoff: () => new Backoff({ baseMs: 100, capMs: 400 }),
    report: (level, message) => reports.push(`${level}: ${message}`),
    ...o,
  });
  relays.push(r);
  return r;
}
const post = (r: GatewayRelay, path: string, headers: Record<string, string>, body = '{"model":"m"}', signal?: AbortSignal) =>
  fetch(`${r.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal });

describe('gateway relay: what it lets through', () => {
  it('swaps the relay token for the run token wherever the family puts its key, and keeps the rest', async () => {
    answer = ok;
    const openai = await relay('/v1/llm/openai');
    const res = await post(openai, '/v1/llm/openai/chat/completions?api-version=1&x=a%20b', { authorization: `Bearer ${openai.token}`, 'x-custom': 'kept' }, '{"model":"gpt"}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(await res.json()).toEqual({ ok: true });
    const anthropic = await relay('/v1/llm/anthropic');
    await post(anthropic, '/v1/llm/anthropic/v1/messages?beta=true', { 'x-api-key': anthropic.token, authorization: `Bearer ${anthropic.token}`, 'anthropic-version': '2023-06-01' });
    const google = await relay('/v1/llm/google');
    await post(google, '/v1/llm/google/v1beta/models/g:streamGenerateContent?alt=sse', { 'x-goog-api-key': google.token });
    await post(google, `/v1/llm/google/v1beta/models/g:generateContent?key=${google.token}&alt=json`, {});

    expect(seen.map((s) => s.url)).toEqual([
      '/v1/llm/openai/chat/completions?api-version=1&x=a%20b',
      '/v1/llm/anthropic/v1/messages?beta=true',
      '/v1/llm/google/v1beta/models/g:streamGenerateContent?alt=sse',
      `/v1/llm/google/v1beta/models/g:generateContent?key=${RUN_TOKEN}&alt=json`,
    ]);
    expect(seen[0].headers).toMatchObject({ authorization: `Bearer ${RUN_TOKEN}`, 'x-custom': 'kept', 'content-type': 'application/json', host: new URL(proxy.url).host });
    expect(seen[0].body).toBe('{"model":"gpt"}');
    expect(seen[1].headers).toMatchObject({ 'x-api-key': RUN_TOKEN, authorization: `Bearer ${RUN_TOKEN}`, 'anthropic-version': '2023-06-01' });
    expect(seen[2].headers['x-goog-api-key']).toBe(RUN_TOKEN);
    expect(JSON.stringify(seen)).not.toContain('drl_');
  });

  it("refuses other paths and other credentials in the family's error shape, and the Worker sees none of it", async () => {
    answer = ok;
    const openai = await relay('/v1/llm/openai');
    const anthropic = await relay('/v1/llm/anthropic');
    const bearer = { authorization: `Bearer ${openai.token}` };
    const cases: [GatewayRelay, string, Record<string, string>, number][] = [
      [openai, '/v1/runners/connect', bearer, 404],
      [openai, '/v1/llm/anthropic/v1/messages', bearer, 404],
      [openai, '/v1/llm/openai/../../git/credential', bearer, 404],
      [openai, '/v1/llm/openai/%2e%2e/%2e%2e/git/credential', bearer, 404],
      [openai, '/v1/llm/openaix/chat/completions', bearer, 404],
      [openai, '/v1/llm/openai/chat/completions', {}, 401],
      [openai, '/v1/llm/openai/chat/completions', { authorization: `Bearer ${RUN_TOKEN}` }, 401],
      [openai, '/v1/llm/openai/chat/completions', { authorization: `Bearer ${anthropic.token}` }, 401],
      [openai, `/v1/llm/openai/chat/completions?key=${RUN_TOKEN}`, bearer, 401],
      [anthropic, '/v1/llm/anthropic/v1/messages', { 'x-api-key': anthropic.token, authorization: 'Bearer sk-someone-else' }, 401],
    ];
    for (const [r, path, headers, status] of cases) {
      const res = await post(r, path, headers);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as any;
      if (r === anthropic) expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      else expect(body.error.type).toBe('invalid_request_error');
    }
    expect(seen).toEqual([]);
  });

  it('refuses a body over the gateway limit (16 MiB) with 413 before reading it', async () => {
    answer = ok;
    const r = await relay();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${r.url}/v1/llm/openai/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${r.token}`, 'content-length': String(16 * 1024 * 1024 + 1) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
    expect(seen).toEqual([]);
  });

  it("answers Claude Code's HEAD probe of / and of its base URL itself, without a token", async () => {
    const r = await relay('/v1/llm/anthropic');
    for (const path of ['/', '/v1/llm/anthropic', '/v1/llm/anthropic/']) expect((await fetch(`${r.url}${path}`, { method: 'HEAD' })).status).toBe(200);
    expect(seen).toEqual([]);
  });

  it('streams SSE through as it arrives (the first event before the Worker sends the rest), and a cut stays a cut', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-dursor-gateway': '1' });
      res.write('data: {"n":1}\n\n');
      void released.then(() => (res.req.url?.includes('cut') ? res.socket?.destroy() : res.end('data: [DONE]\n\n')));
    };
    const r = await relay();
    const res = await post(r, '/v1/llm/openai/chat/completions', { authorization: `Bearer ${r.token}` });
    const reader = res.body!.getReader();
    const first = await Promise.race([reader.read(), new Promise((resolve) => setTimeout(() => resolve('buffered'), 3_000))]);
    expect(new TextDecoder().decode((first as { value: Uint8Array }).value)).toBe('data: {"n":1}\n\n');
    release();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('data: [DONE]\n\n');

    const cut = await post(r, '/v1/llm/openai/cut', { authorization: `Bearer ${r.token}` });
    await expect(cut.text()).rejects.toThrow();
  });
});

describe('gateway relay: a Worker that is not there', () => {
  it('waits out an outage: the request succeeds once the Worker is back, each retry reported', async () => {
    answer = ok;
    const r = await relay();
    const outage = proxy.outage(1_500);
    const t0 = Date.now();
    const res = await post(r, '/v1/llm/openai/chat/completions', { authorization: `Bearer ${r.token}` });
    await outage;
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_400);
    expect(seen).toHaveLength(1);
    const retries = reports.filter((l) => l.startsWith('warn: LLM gateway unreachable (ECONNREFUSED); retrying in '));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]).toMatch(/^warn: LLM gateway unreachable \(ECONNREFUSED\); retrying in \d+\.\d s \(attempt 2\)$/);
    expect(reports.at(-1)).toMatch(/^info: LLM gateway reachable again after \d+\.\d s$/);
  });

  it("retries a 5xx that is not the gateway's answer (wrangler's restart 503), and nothing the Worker answered", async () => {
    let calls = 0;
    answer = (_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' });
        return void res.end('Your worker restarted mid-request. Please try sending the request again. Only GET or HEAD requests are retried automatically.');
      }
      ok(_req, res);
    };
    const r = await relay();
    expect((await post(r, '/v1/llm/openai/chat/completions', { authorization: `Bearer ${r.token}` })).status).toBe(200);
    expect(calls).toBe(2);
    expect(reports[0]).toMatch(/HTTP 503 that is not the gateway's answer\); retrying in/);

    // The Worker's own answers pass through untouched, once: refusals, budget stops, an unreachable provider, a provider's HTML 502.
    const answers: [number, Record<string, string>, string][] = [
      [401, { 'content-type': 'application/json', 'x-dursor-gateway': '1' }, '{"error":{"code":"invalid_api_key"}}'],
      [429, { 'content-type': 'application/json', 'x-dursor-gateway': '1', 'retry-after': '7' }, '{"error":{"code":"budget_exceeded"}}'],
      [502, { 'content-type': 'application/json', 'x-dursor-gateway': '1' }, '{"error":{"code":"upstream_unreachable"}}'],
      [502, { 'content-type': 'text/html', 'x-dursor-gateway': '1' }, '<html>provider down</html>'],
      [503, { 'content-type': 'application/json' }, '{"error":{"message":"overloaded"}}'],
    ];
    for (const [status, headers, body] of answers) {
      seen = [];
      reports = [];
      answer = (_req, res) => void res.writeHead(status, headers).end(body);
      const res = await post(r, '/v1/llm/openai/chat/completions', { authorization: `Bearer ${r.token}` });
      expect(res.status).toBe(status);
      expect(await res.text()).toBe(body);
      if (headers['retry-after']) expect(res.headers.get('retry-after')).toBe(headers['retry-after']);
      expect(seen).toHaveLength(1);
      expect(reports).toEqual([]);
    }
  });

  it("gives up after maxOutageMs with a 502 in the provider's shape; the next request of the same outage gives up at once", async () => {
    answer = ok;
    const shapes: [string, (b: any) => string][] = [
      ['/v1/llm/openai', (b) => b.error.message],
      ['/v1/llm/anthropic', (b) => b.type === 'error' && b.error.type === 'api_error' && b.error.message],
      ['/v1/llm/google', (b) => b.error.status === 'UNAVAILABLE' && b.error.message],
    ];
    const outage = proxy.outage(4_500);
    for (const [path, messageOf] of shapes) {
      const r = await relay(path, { maxOutageMs: 1_000 });
      const t0 = Date.now();
      const res = await post(r, `${path}/x`, { authorization: `Bearer ${r.token}` });
      const took = Date.now() - t0;
      expect(res.status).toBe(502);
      expect(res.headers.get('x-should-retry')).toBe('false');
      expect(messageOf(await res.json())).toMatch(new RegExp(`^cannot reach the LLM gateway at ${proxy.url}${path} after 1 s \\(ECONNREFUSED\\)$`));
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(2_500);
      const again = Date.now();
      expect((await post(r, `${path}/x`, { authorization: `Bearer ${r.token}` })).status).toBe(502);
      expect(Date.now() - again).toBeLessThan(500);
    }
    expect(reports.filter((l) => l.includes('giving up on POST'))).toHaveLength(6);
    await outage;
    expect(seen).toEqual([]);
  });

  it('stops retrying when the client goes away', async () => {
    answer = ok;
    const r = await relay();
    const outage = proxy.outage(1_500);
    const abort = new AbortController();
    const req = post(r, '/v1/llm/openai/chat/completions', { authorization: `Bearer ${r.token}` }, '{}', abort.signal).catch(() => 'aborted');
    await new Promise((res) => setTimeout(res, 300));
    abort.abort();
    expect(await req).toBe('aborted');
    const n = reports.length;
    await outage;
    await new Promise((res) => setTimeout(res, 300));
    expect(reports.length).toBe(n);
    expect(seen).toEqual([]);
  });
});
