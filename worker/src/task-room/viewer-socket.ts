/**
 * A viewer's socket (`/live?after=N`, docs/architecture.md §5): replay every stored event with seq > N in
 * chunks of LIMITS.replayChunkEvents, then `sync {seq}`, then live events via fanout.ts. The
 * replay is synchronous SQLite reads and sends inside this one handler, and the socket joins the
 * `viewer` tag before it starts, so no live event can fall between replay and sync.
 */
import { LIMITS, send } from '../../../protocol/src/index.ts';
import { HEADER_USER_ID } from '../lib/internal-headers.ts';
import { lastSeq, readAfter } from './event-log.ts';
import { sendEvents } from './fanout.ts';
import type { Room } from './room.ts';
import type { ViewerAttachment } from './run-sockets.ts';
import { jsonError } from '../durable/sockets.ts';

export function openViewerSocket(room: Room, request: Request): Response {
  const url = new URL(request.url);
  const afterParam = url.searchParams.get('after');
  const after = afterParam === null || afterParam === '' ? 0 : Number(afterParam);
  const userId = request.headers.get(HEADER_USER_ID) ?? '';
  if (!Number.isSafeInteger(after) || after < 0) return jsonError(400, 'bad_request', 'after must be a non-negative integer');
  if (!userId) return jsonError(400, 'bad_request', 'a user id is required');

  const [client, server] = Object.values(new WebSocketPair());
  room.ctx.acceptWebSocket(server, ['viewer']);
  server.serializeAttachment({ kind: 'viewer', userId } satisfies ViewerAttachment);

  const last = lastSeq(room.db);
  let cursor = after;
  // Bounded: each page advances the cursor, and the log cannot grow inside this handler.
  while (cursor < last) {
    const page = readAfter(room.db, cursor, LIMITS.replayChunkEvents);
    if (!page.length) break;
    sendEvents(server, page);
    cursor = page[page.length - 1].seq;
  }
  send(server, 'roomToViewer', { type: 'sync', seq: last });
  return new Response(null, { status: 101, webSocket: client });
}
