/**
 * Small helpers shared by the TaskRoom, RunnerPool and UserFeed socket code: JSON error responses
 * for bad upgrade requests and closes that never throw (a peer can vanish at any moment). Messages
 * are written and read with protocol/src/codec.ts (`send`, `decode`), whose sends never throw either.
 */
import { SOCKET_PING, SOCKET_PONG, utf8Bytes } from '../../../protocol/src/index.ts';

/**
 * A runner's keep-alive ping (SOCKET_PING, issue 12) is answered by the runtime itself: the DO is
 * not woken and runs no timer; the runner watches its socket's silence (runner/src/connection/watchdog.ts).
 * The ping and pong are raw texts, not codec messages, so they never reach `decode`.
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
