/**
 * Small helpers shared by the TaskRoom and RunnerPool socket code: JSON error responses for bad
 * upgrade requests, parsing a WebSocket message, and sends/closes that never throw (a peer can
 * vanish at any moment; a failed send must not abort the handler that already persisted state).
 */
import type { z } from 'zod';
import { SOCKET_PING, SOCKET_PONG, utf8Bytes } from '../../../protocol/src/index.ts';

/**
 * A runner's keep-alive ping (SOCKET_PING, issue 12) is answered by the runtime itself: the DO is
 * not woken and runs no timer; the runner watches its socket's silence (runner/src/connection/watchdog.ts).
 */
export function answerPings(ctx: DurableObjectState): void {
  ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(SOCKET_PING, SOCKET_PONG));
}

export function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** null when the request is a WebSocket upgrade, else the 426 to return. */
export function requireUpgrade(request: Request): Response | null {
  if (request.headers.get('Upgrade')?.toLowerCase() === 'websocket') return null;
  return jsonError(426, 'upgrade_required', 'expected a WebSocket upgrade');
}

/** Parse a text message with `schema`; null on binary, bad JSON or a schema failure. */
export function parseMessage<T extends z.ZodType>(data: string | ArrayBuffer, schema: T): z.infer<T> | null {
  const raw = parseJsonText(data);
  if (raw === undefined) return null;
  const res = schema.safeParse(raw);
  return res.success ? res.data : null;
}

/** The JSON value of a text message, or undefined on binary / bad JSON. */
export function parseJsonText(data: string | ArrayBuffer): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

export function sendJson(ws: WebSocket, msg: unknown): boolean {
  return sendText(ws, JSON.stringify(msg));
}

export function sendText(ws: WebSocket, text: string): boolean {
  try {
    ws.send(text);
    return true;
  } catch {
    return false;
  }
}

/** Close reasons are limited to 123 UTF-8 bytes by RFC 6455 (a longer one throws, and the socket stays open). */
export function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  let cut = reason.slice(0, 123);
  while (utf8Bytes(cut) > 123) cut = cut.slice(0, -1);
  try {
    ws.close(code, cut);
  } catch {
    // already closed
  }
}

export function isOpen(ws: WebSocket): boolean {
  return ws.readyState === WebSocket.OPEN;
}
