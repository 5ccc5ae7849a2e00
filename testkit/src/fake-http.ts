/**
 * The HTTP side shared by the fake providers: a server on 127.0.0.1, body reading (gzip, br,
 * deflate and zstd request bodies too, as some CLIs compress), request recording, JSON replies and
 * an SSE writer that plays a scripted turn's `hold`, `chunkDelayMs` and one-time `cutAfterChunks`.
 * Wire formats live in the fake-<provider>.ts modules.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import type { ScriptedTurn } from './scenario.ts';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters (e.g. `beta`, `alt`, `key`). */
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or null when empty. */
  body: any;
  /** The matched scenario's `match`; null when the fallback turn answered; absent for non-model calls. */
  scenario?: string | null;
  turnIndex?: number;
}

export interface IncomingCall {
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordedRequest;
  /** False when the body is present but not valid JSON (record.body then holds the raw text). */
  jsonOk: boolean;
}

const MAX_BODY = 16 * 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip': return zlib.gunzipSync(raw);
    case 'deflate': return zlib.inflateSync(raw);
    case 'br': return zlib.brotliDecompressSync(raw);
    case 'zstd': return (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(raw);
    default: return raw;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    parts.push(chunk as Buffer);
  }
  return decode(Buffer.concat(parts), req.headers['content-encoding'] as string | undefined).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Streams pre-formatted SSE frames for one turn. `cutAt` ≥ 0 destroys the socket once that many
 * frames (at most all of them) are out, after they reached the client, so the cut lands mid-stream; `trailer` (e.g.
 * `data: [DONE]`) is written after the last frame.
 */
export async function streamSse(
  res: ServerResponse, frames: string[], turn: ScriptedTurn, cutAt: number, trailer = '', contentType = 'text/event-stream; charset=utf-8',
): Promise<void> {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (let i = 0; i <= frames.length; i++) {
    if (res.destroyed) return;
    // A cut at or past the last frame still breaks the stream: the end (and any trailer) never comes.
    if (cutAt >= 0 && (i === cutAt || i === frames.length)) {
      await new Promise<void>((r) => res.write('', () => r()));
      return void res.socket?.destroy();
    }
    if (i === frames.length) break;
    res.write(frames[i]);
    if (i === (turn.holdAfterChunks ?? 1) - 1 && turn.hold) await turn.hold;
    else if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
  }
  if (!res.destroyed) res.end(trailer);
}

export interface FakeServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

/**
 * Starts a server that records every request (method, path, query, headers, body) and hands it to
 * `handle`. A body that is too large gets `onError(413)`; a handler that throws gets `onError(500)`.
 */
export async function startFakeServer(
  requests: RecordedRequest[],
  handle: (call: IncomingCall) => Promise<void> | void,
  onError: (res: ServerResponse, status: number, message: string) => void,
): Promise<FakeServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: null };
      let raw: string;
      try {
        raw = await readBody(req);
      } catch (e) {
        requests.push(record);
        return onError(res, 413, (e as Error).message);
      }
      let jsonOk = true;
      if (raw) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          record.body = raw;
          jsonOk = false;
        }
      }
      requests.push(record);
      await handle({ req, res, record, jsonOk });
    })().catch((e) => onError(res, 500, `fake provider: ${(e as Error).message}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
