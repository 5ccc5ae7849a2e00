/**
 * The live socket of one open task: `/v1/tasks/:id/live?after=<lastSeq>` (docs/architecture.md §5).
 * Every message is read with the protocol's `decode('roomToViewer', …)`; events with seq ≤ the
 * last seen are dropped, so a replay overlapping what we already hold is harmless. On a drop it reconnects with jittered
 * backoff, resuming after the last seq. It knows nothing about signals: the store receives each
 * `events` message (or, before `sync`, the whole replay) through `onEvents` as one batch.
 */
import { Backoff, decode } from '../../../protocol/src/index.ts';
import type { BackoffOptions, StoredEvent } from '../../../protocol/src/index.ts';

/** connecting: first dial, before `sync`; live: replay done; reconnecting: lost it, retrying; closed: stopped. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export type LiveOptions = {
  taskId: string;
  /** Last seq the caller already holds (0 for none). */
  after?: number;
  onEvents: (events: StoredEvent[], lastSeq: number) => void;
  onState?: (state: LiveState, info: { lastSeq: number; attempt: number; error?: string }) => void;
  /** Origin to dial, e.g. http://127.0.0.1:8787; defaults to the page's own (ws/wss from it). */
  origin?: string;
  backoff?: BackoffOptions;
  WebSocketImpl?: typeof WebSocket;
};

type Timer = ReturnType<typeof setTimeout>;

export function liveUrl(origin: string, taskId: string, after: number): string {
  const u = new URL(`/v1/tasks/${encodeURIComponent(taskId)}/live`, origin);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('after', String(after));
  return u.toString();
}

export class LiveConnection {
  private readonly opts: LiveOptions;
  private socket: WebSocket | null = null;
  private timer: Timer | null = null;
  private readonly backoff: Backoff;
  private stopped = false;
  /**
   * Events replayed on the current socket before its `sync`: they reach onEvents as ONE batch at
   * `sync`, so a task with 10,000 stored events renders once, not once per 500-event chunk.
   */
  private replay: StoredEvent[] | null = null;
  lastSeq: number;
  state: LiveState = 'connecting';

  constructor(opts: LiveOptions) {
    this.opts = opts;
    this.lastSeq = opts.after ?? 0;
    this.backoff = new Backoff(opts.backoff);
    this.dial();
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s && s.readyState <= 1) s.close(1000, 'viewer closed');
    this.setState('closed');
  }

  private dial(): void {
    if (this.stopped) return;
    const origin = this.opts.origin ?? location.origin;
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Impl(liveUrl(origin, this.opts.taskId, this.lastSeq));
    } catch (err) {
      this.scheduleReconnect(String(err));
      return;
    }
    this.socket = ws;
    this.replay = [];
    ws.onmessage = (m) => this.onMessage(ws, m.data);
    ws.onclose = (e) => {
      if (this.socket !== ws) return;
      this.socket = null;
      // Whatever was replayed before the cut is kept: the next socket resumes after it.
      this.flushReplay();
      this.scheduleReconnect(e.reason || undefined);
    };
    // onclose always follows onerror; reconnecting happens there.
    ws.onerror = () => undefined;
  }

  private onMessage(ws: WebSocket, data: unknown): void {
    if (this.socket !== ws) return;
    const decoded = decode('roomToViewer', data);
    if (!decoded.ok) {
      // A message we cannot read means we may have missed events: resync from the last seq.
      ws.close(decoded.code, decoded.reason);
      return;
    }
    const msg = decoded.msg;
    if (msg.type === 'sync') {
      this.backoff.reset();
      this.flushReplay();
      this.setState('live');
      return;
    }
    const fresh: StoredEvent[] = [];
    for (const e of msg.events) {
      if (e.seq <= this.lastSeq) continue;
      fresh.push(e);
      this.lastSeq = e.seq;
    }
    if (fresh.length === 0) return;
    if (this.replay) this.replay.push(...fresh);
    else this.opts.onEvents(fresh, this.lastSeq);
  }

  private flushReplay(): void {
    const events = this.replay;
    this.replay = null;
    if (events && events.length > 0) this.opts.onEvents(events, this.lastSeq);
  }

  private scheduleReconnect(error?: string): void {
    if (this.stopped) return;
    const delay = this.backoff.next();
    this.setState('reconnecting', error);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dial();
    }, delay);
  }

  private setState(state: LiveState, error?: string): void {
    this.state = state;
    this.opts.onState?.(state, { lastSeq: this.lastSeq, attempt: this.backoff.attempt, error });
  }
}
