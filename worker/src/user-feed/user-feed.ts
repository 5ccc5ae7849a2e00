/**
 * UserFeed: one Durable Object per user (idFromName(userId)) that keeps the user's open tabs
 * current about every task they own, so the sidebar never polls (issue 9: a 5 s poll of
 * `GET /v1/tasks` was what killed wrangler dev under an open page). Tabs connect to `GET /v1/live`
 * (hibernating WebSockets, tag `viewer`); TaskRooms and the task routes call `publish` with a
 * task's list row after they wrote it to D1. Nothing is stored: a tab reloads the list after each
 * `hello` and applies the `task` messages on top.
 */
import { DurableObject } from 'cloudflare:workers';
import { encode, send, sendEncoded } from '../../../protocol/src/index.ts';
import type { FeedToViewer } from '../../../protocol/src/index.ts';
import type { Env } from '../env.ts';
import { closeQuietly, jsonError, requireUpgrade } from '../durable/sockets.ts';

export class UserFeed extends DurableObject<Env> {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname !== '/connect') return jsonError(404, 'not_found', 'no such user feed endpoint');
    const refused = requireUpgrade(request);
    if (refused) return refused;
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, ['viewer']);
    send(server, 'feedToViewer', { type: 'hello' });
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Tabs only listen; anything they send is ignored. */
  async webSocketMessage(): Promise<void> {}

  async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    closeQuietly(ws, code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, 'closed');
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, 'socket error');
  }

  /** Sends `msg` to every open tab of this user; returns how many received it. */
  async publish(msg: FeedToViewer): Promise<number> {
    const text = encode('feedToViewer', msg);
    let sent = 0;
    // A tab that vanished mid-send is not counted; its close handler tidies up.
    for (const ws of this.ctx.getWebSockets('viewer')) if (sendEncoded(ws, text)) sent++;
    return sent;
  }
}
