/**
 * The live socket of one open task: `/v1/tasks/:id/live?after=<lastSeq>` (docs/architecture.md §5).
 * Every message is read with the protocol's `decode('roomToViewer', …)`; events with seq ≤ the
 * last seen are dropped, so a replay overlapping what we already hold is harmless. On a drop it redials (redial-socket.ts),
 * resuming after the last seq. It knows nothing about signals: the store receives each
 * `events` message (or, before `sync`, the whole replay) through `onEvents` as one batch.
 */
import { decode } from '../../../protocol/src/index.ts';
import type { BackoffOptions, StoredEvent } from '../../../protocol/src/index.ts';
import { RedialSocket } from './redial-socket.ts';

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

export function liveUrl(origin: string, taskId: string, after: number): string {
  const u = new URL(`/v1/tasks/${encodeURIComponent(taskId)}/live`, origin);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('after', String(after));
  return u.toString();
}

export class LiveConnection {
  private readonly opts: LiveOptions;
  private readonly socket: RedialSocket;
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
    this.socket = new RedialSocket({
      url: () => liveUrl(opts.origin ?? location.origin, opts.taskId, this.lastSeq),
      closeReason: 'viewer closed',
      backoff: opts.backoff,
      WebSocketImpl: opts.WebSocketImpl,
      onDial: () => {
        this.replay = [];
      },
      onMessage: (data) => this.onMessage(data),
      onDrop: (reason) => {
        // Whatever was replayed before the cut is kept: the next socket resumes after it.
        this.flushReplay();
        this.setState('reconnecting', reason);
      },
    });
  }

  close(): void {
    this.socket.close();
    this.setState('closed');
  }

  private onMessage(data: unknown): void {
    const decoded = decode('roomToViewer', data);
    if (!decoded.ok) {
      // A message we cannot read means we may have missed events: resync from the last seq.
      this.socket.drop(decoded.code, decoded.reason);
      return;
    }
    const msg = decoded.msg;
    if (msg.type === 'sync') {
      this.socket.healthy();
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

  private setState(state: LiveState, error?: string): void {
    this.state = state;
    this.opts.onState?.(state, { lastSeq: this.lastSeq, attempt: this.socket?.attempt ?? 0, error });
  }
}
