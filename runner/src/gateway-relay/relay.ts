/**
 * A run's local LLM gateway relay (issue "the local stack must not die under its user"): an HTTP
 * server on 127.0.0.1 (random port) between the run's executor and the Worker's gateway. The executor
 * gets the relay's URL and a relay-local random token, never the run token: the relay accepts only
 * the run's gateway paths (`<gatewayPath>[/…]`) with that token (relay-auth.ts), swaps in the real run
 * token, forwards to the Worker and streams the answer back as it arrives (SSE included, nothing
 * buffered). While the Worker cannot be reached it retries (retry.ts), reporting each retry through
 * `report` (the job turns them into run log events); after `maxOutageMs` it answers 502 in the
 * provider's error format. Claude Code's `HEAD` probe of its base URL (or of `/`) is answered here.
 * Request bodies are read whole (to be sent again on a retry), bounded like the gateway's: 16 MiB.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { Backoff } from '../../../protocol/src/index.ts';
import { HOP_RESPONSE } from './forward.ts';
import { familyOf, sendError, type Family } from './provider-errors.ts';
import { swapToken } from './relay-auth.ts';
import { DEFAULT_MAX_OUTAGE_MS, forwardWithRetry, OutageClock } from './retry.ts';

/** The gateway's own body limit (worker/src/gateway/proxy.ts MAX_BODY_BYTES). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface RelayOptions {
  /** The Worker's base URL (what the runner dials). */
  workerUrl: string;
  /** The run's gateway route, e.g. `/v1/llm/anthropic` (ExecutorSpec.gatewayPath). */
  gatewayPath: string;
  runToken: string;
  /** How long the Worker may stay unreachable before requests give up (default 60 s). */
  maxOutageMs?: number;
  connectTimeoutMs?: number;
  /** Retry delays; default full jitter from 250 ms doubling up to 4 s, so a Worker back is noticed within seconds. */
  newBackoff?: () => Backoff;
  report(level: 'info' | 'warn', message: string): void;
}

export interface GatewayRelay {
  /** `http://127.0.0.1:PORT` — the executor's gateway base URL (its gateway is at `${url}${gatewayPath}`). */
  url: string;
  /** The token the executor uses as its API key. */
  token: string;
  close(): Promise<void>;
}

/** Paths of the run's route only; no dot segments or encoded separators that could step out of it. */
function allowedPath(path: string, base: string): boolean {
  if (path !== base && !path.startsWith(`${base}/`)) return false;
  return !/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(path);
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return 'too-large';
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

export async function startGatewayRelay(o: RelayOptions): Promise<GatewayRelay> {
  const token = `drl_${randomBytes(24).toString('base64url')}`;
  const base = o.gatewayPath.replace(/\/+$/, '');
  const family: Family = familyOf(base);
  const worker = new URL(o.workerUrl);
  const clock = new OutageClock();
  const retry = {
    maxOutageMs: o.maxOutageMs ?? DEFAULT_MAX_OUTAGE_MS,
    newBackoff: o.newBackoff ?? (() => new Backoff({ baseMs: 250, capMs: 4_000 })),
    report: o.report,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const search = q < 0 ? '' : raw.slice(q);
    if (req.method === 'HEAD' && (path === '/' || path === base || path === `${base}/`)) return void res.writeHead(200).end();
    if (!allowedPath(path, base)) return sendError(res, family, 404, 'not_found', `this run's gateway relay serves only ${base}/…, not ${path.slice(0, 200)}`);
    const swapped = swapToken(req.headers, search, token, o.runToken);
    if (!swapped.ok) return sendError(res, family, 401, 'invalid_api_key', swapped.reason);
    const body = req.method === 'GET' || req.method === 'HEAD' ? null : await readBody(req);
    if (body === 'too-large') return sendError(res, family, 413, 'request_too_large', `request body over ${MAX_BODY_BYTES} bytes`);

    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const target = new URL(`${worker.origin}${worker.pathname.replace(/\/+$/, '')}${path}${swapped.search}`);
    const outcome = await forwardWithRetry(
      { target, method: req.method ?? 'GET', headers: swapped.headers, body, connectTimeoutMs: o.connectTimeoutMs ?? 10_000, signal: abort.signal },
      clock, retry, `${req.method} ${path}`,
    );
    if (outcome.kind === 'aborted') return;
    if (outcome.kind === 'gave-up') {
      const message = `cannot reach the LLM gateway at ${worker.origin}${base} after ${Math.round(outcome.downMs / 1000)} s (${outcome.reason})`;
      return sendError(res, family, 502, 'gateway_unreachable', message);
    }
    const up = outcome.res;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_RESPONSE.has(k)) headers[k] = v;
    res.writeHead(up.statusCode ?? 502, headers);
    res.flushHeaders();
    // A Worker stream cut mid-way reaches the client as a cut too (never as a clean end), so the
    // agent knows the answer is incomplete and replays the turn.
    pipeline(up, res, (err) => {
      if (err) res.destroy();
    });
  }

  const server: Server = createServer((req, res) => {
    res.socket?.setNoDelay(true);
    handle(req, res).catch((e) => {
      o.report('warn', `gateway relay failed a request: ${(e as Error).message}`);
      sendError(res, family, 502, 'relay_error', `the runner's gateway relay failed: ${(e as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
