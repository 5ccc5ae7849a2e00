/**
 * One try of a relayed request to the Worker, and the line between "the Worker is not there" and
 * "the Worker answered". Not there: the connection failed before any response (refused, reset,
 * connect timeout, DNS), or a 5xx that is not the gateway's own answer — the gateway marks every
 * response it makes with `x-dursor-gateway` (worker/src/gateway/proxy.ts) and answers errors as JSON,
 * while wrangler's dev proxy answers `503 text/plain` "Your worker restarted mid-request" while
 * workerd reloads, and Cloudflare's edge answers 52x/530 HTML pages when a Worker cannot be run.
 * Everything else — 401/403/429 refusals, budget stops, provider errors passed through, the gateway's
 * own 502 for an unreachable provider — is the Worker's answer and goes back untouched.
 * Each try opens its own connection (no keep-alive): a try never lands on a socket that died
 * during an outage, and a TCP/TLS handshake is small next to a model call.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export const GATEWAY_MARK = 'x-dursor-gateway';

/** Request headers that are per hop (or rewritten here) and never forwarded. */
const HOP_REQUEST = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'transfer-encoding', 'te', 'upgrade', 'expect', 'content-length', 'trailer']);
/** Response headers that are per hop; the relay's own server frames the body again. */
export const HOP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'trailer']);

export interface Try {
  target: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  connectTimeoutMs: number;
  signal: AbortSignal;
}

/** A failure before the Worker answered, named for a log line: the socket error code or "connect timed out". */
export class Unreachable extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

export function notTheGateway(res: http.IncomingMessage): boolean {
  const status = res.statusCode ?? 0;
  return status >= 500 && res.headers[GATEWAY_MARK] === undefined && !/json/i.test(String(res.headers['content-type'] ?? ''));
}

const reasonOf = (e: NodeJS.ErrnoException) => e.code ?? e.message ?? 'network error';

/** Resolves with the Worker's response (headers in, body still streaming) or rejects with Unreachable. */
export function tryOnce(t: Try): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(t.headers)) if (!HOP_REQUEST.has(k)) headers[k] = v;
    headers.host = t.target.host;
    if (t.body) headers['content-length'] = String(t.body.length);
    const mod = t.target.protocol === 'https:' ? https : http;
    const req = mod.request(t.target, { method: t.method, headers, agent: false });
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    const fail = (reason: string) => {
      clearTimeout(connectTimer);
      req.destroy();
      reject(new Unreachable(reason));
    };
    req.on('socket', (socket) => {
      connectTimer = setTimeout(() => fail('connect timed out'), t.connectTimeoutMs);
      socket.once(t.target.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.on('error', (e) => fail(reasonOf(e)));
    const onAbort = () => fail('aborted');
    if (t.signal.aborted) return onAbort();
    t.signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => t.signal.removeEventListener('abort', onAbort));
    req.end(t.body ?? undefined);
  });
}
