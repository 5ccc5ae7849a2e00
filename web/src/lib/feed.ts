/**
 * The signed-in user's feed socket, `/v1/live` (one per tab): every task's list row as it is
 * created or its status is written, so the sidebar is live without polling (issue 9: the 5 s
 * poll it replaced was what took `wrangler dev` down under an open page). Messages are read with
 * the protocol's `decode('feedToViewer', …)`. Each (re)connect starts with `hello`; the feed
 * replays nothing, so the owner reloads the list then (onHello). Reconnects with the same jittered backoff as the task socket.
 */
import { Backoff, decode } from '../../../protocol/src/index.ts';
import type { BackoffOptions, Task } from '../../../protocol/src/index.ts';

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
  private readonly opts: FeedOptions;
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: Backoff;
  private stopped = false;

  constructor(opts: FeedOptions) {
    this.opts = opts;
    this.backoff = new Backoff(opts.backoff);
    this.dial();
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s && s.readyState <= 1) s.close(1000, 'tab closed');
  }

  private dial(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new (this.opts.WebSocketImpl ?? WebSocket)(feedUrl(this.opts.origin ?? location.origin));
    } catch {
      return this.retry();
    }
    this.socket = ws;
    ws.onmessage = (m) => {
      if (this.socket !== ws) return;
      const decoded = decode('feedToViewer', m.data);
      // Something we cannot read may hide a change: start over (hello reloads the list).
      if (!decoded.ok) return ws.close(decoded.code, decoded.reason);
      const msg = decoded.msg;
      if (msg.type === 'hello') {
        this.backoff.reset();
        this.opts.onHello();
      } else this.opts.onTask(msg.task);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.retry();
    };
    ws.onerror = () => undefined;
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = this.backoff.next();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dial();
    }, delay);
  }
}
