/**
 * One browser WebSocket kept open: dial, hand each message of the current socket to the owner,
 * and after a drop redial with the protocol's jittered backoff (protocol/src/backoff.ts, the one
 * the runner uses too) until close(). Messages of a socket that was already replaced are ignored.
 * The task's live socket (live.ts) and the user's feed (feed.ts) are both one of these; what the
 * messages mean is theirs.
 */
import { Backoff } from '../../../protocol/src/index.ts';
import type { BackoffOptions } from '../../../protocol/src/index.ts';

export type RedialOptions = {
  /** Read on every dial, so a redial can resume (e.g. `?after=<last seq>`). */
  url: () => string;
  /** A new socket is being opened. */
  onDial?: () => void;
  onMessage: (data: unknown) => void;
  /** The socket is gone (or could not be made); a redial is scheduled. */
  onDrop?: (reason: string | undefined) => void;
  /** Sent with the close that close() does. */
  closeReason: string;
  backoff?: BackoffOptions;
  WebSocketImpl?: typeof WebSocket;
};

export class RedialSocket {
  readonly #o: RedialOptions;
  readonly #backoff: Backoff;
  #socket: WebSocket | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(opts: RedialOptions) {
    this.#o = opts;
    this.#backoff = new Backoff(opts.backoff);
    this.#dial();
  }

  /** Redials so far since the peer last said all is well. */
  get attempt(): number {
    return this.#backoff.attempt;
  }

  /** The peer is serving this socket: the next drop starts the backoff from its shortest delay. */
  healthy(): void {
    this.#backoff.reset();
  }

  /** Drops the current socket (e.g. a message that cannot be read): it is redialled like any drop. */
  drop(code: number, reason: string): void {
    this.#socket?.close(code, reason);
  }

  close(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const s = this.#socket;
    this.#socket = null;
    if (s && s.readyState <= 1) s.close(1000, this.#o.closeReason);
  }

  #dial(): void {
    if (this.#stopped) return;
    let ws: WebSocket;
    try {
      ws = new (this.#o.WebSocketImpl ?? WebSocket)(this.#o.url());
    } catch (err) {
      return this.#redial(String(err));
    }
    this.#socket = ws;
    this.#o.onDial?.();
    ws.onmessage = (m) => {
      if (this.#socket === ws) this.#o.onMessage(m.data);
    };
    ws.onclose = (e) => {
      if (this.#socket !== ws) return;
      this.#socket = null;
      this.#redial(e.reason || undefined);
    };
    // onclose always follows onerror; redialling happens there.
    ws.onerror = () => undefined;
  }

  #redial(reason: string | undefined): void {
    if (this.#stopped) return;
    const delay = this.#backoff.next();
    this.#o.onDrop?.(reason);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#dial();
    }, delay);
  }
}
