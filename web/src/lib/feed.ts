/**
 * The signed-in user's feed socket, `/v1/live` (one per tab): every task's list row as it is
 * created or its status is written, so the sidebar is live without polling (issue 9: the 5 s
 * poll it replaced was what took `wrangler dev` down under an open page). Messages are read with
 * the protocol's `decode('feedToViewer', …)`. Each (re)connect starts with `hello`; the feed
 * replays nothing, so the owner reloads the list then (onHello). Reconnects like the task socket (redial-socket.ts).
 */
import { decode } from '../../../protocol/src/index.ts';
import type { BackoffOptions, Task } from '../../../protocol/src/index.ts';
import { RedialSocket } from './redial-socket.ts';

export type FeedOptions = {
  onHello: () => void;
  onTask: (task: Task) => void;
  origin?: string;
  backoff?: BackoffOptions;
  WebSocketImpl?: typeof WebSocket;
};

export function feedUrl(origin: string): string {
  const u = new URL('/v1/live', origin);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export class FeedConnection {
  readonly #socket: RedialSocket;

  constructor(opts: FeedOptions) {
    this.#socket = new RedialSocket({
      url: () => feedUrl(opts.origin ?? location.origin),
      closeReason: 'tab closed',
      backoff: opts.backoff,
      WebSocketImpl: opts.WebSocketImpl,
      onMessage: (data) => {
        const decoded = decode('feedToViewer', data);
        // Something we cannot read may hide a change: start over (hello reloads the list).
        if (!decoded.ok) return this.#socket.drop(decoded.code, decoded.reason);
        const msg = decoded.msg;
        if (msg.type === 'hello') {
          this.#socket.healthy();
          opts.onHello();
        } else opts.onTask(msg.task);
      },
    });
  }

  close(): void {
    this.#socket.close();
  }
}
