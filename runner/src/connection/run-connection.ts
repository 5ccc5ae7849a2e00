/**
 * A run's socket to its TaskRoom (`/v1/runs/:id/stream?assignment=N`, DESIGN §5–6).
 * Frames are numbered 1, 2, 3… per assignment and kept until acked (acks are cumulative).
 * After every (re)connect TaskRoom says `attached { lastFrame }`: frames ≤ lastFrame are
 * dropped, the rest are resent in order before any new frame, so the stored log has no gap and
 * no duplicate. Heartbeats every leaseMs/3 keep the lease. `cancel` (or cancelRequested on
 * attach) triggers onCancel; close code staleAssignment means the run is no longer ours.
 */
import { CLOSE_CODES, RoomToRunner, type Frame, type RunEvent } from '../../../protocol/src/index.ts';
import type { Backoff } from '../backoff.ts';
import type { CredentialInput } from '../credential.ts';
import type { Logger } from '../log.ts';
import { SocketLoop } from './socket-loop.ts';

export interface RunConnectionOptions {
  baseUrl: string;
  credential: CredentialInput;
  runId: string;
  assignment: number;
  leaseMs: number;
  log: Logger;
  onCancel(reason: string): void;
  /** The assignment is stale (or the credential was revoked): stop the run, push nothing. */
  onLost(reason: string): void;
  backoff?: Backoff;
}

export class RunConnection {
  #o: RunConnectionOptions;
  #loop: SocketLoop;
  #unacked: Frame[] = [];
  #nextFrame = 1;
  #acked = 0;
  #attached = false;
  #lost = false;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #waiters: Array<() => void> = [];

  constructor(o: RunConnectionOptions) {
    this.#o = o;
    const url = `${o.baseUrl.replace(/^http/, 'ws')}/v1/runs/${encodeURIComponent(o.runId)}/stream?assignment=${o.assignment}`;
    this.#loop = new SocketLoop({
      url, credential: o.credential, log: o.log, backoff: o.backoff,
      handlers: {
        onOpen: () => {
          this.#attached = false;
        },
        onMessage: (data) => this.#onMessage(data),
        onClose: (code, reason, httpStatus) => this.#onClose(code, reason, httpStatus),
      },
    });
  }

  /** Highest frame number handed out so far. */
  get lastFrame(): number {
    return this.#nextFrame - 1;
  }
  get ackedFrame(): number {
    return this.#acked;
  }
  get isLost(): boolean {
    return this.#lost;
  }

  start(): void {
    this.#loop.start();
  }

  sendFrame(events: RunEvent[]): number {
    const frame: Frame = { type: 'frame', frame: this.#nextFrame++, events };
    this.#unacked.push(frame);
    if (this.#attached) this.#loop.send(frame);
    return frame.frame;
  }

  /** Resolves true once every frame ≤ `frame` is acked, false on timeout or a lost run. */
  waitAcked(frame: number, timeoutMs: number): Promise<boolean> {
    if (this.#acked >= frame) return Promise.resolve(true);
    if (this.#lost) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const check = () => {
        if (this.#acked >= frame) finish(true);
        else if (this.#lost) finish(false);
        else this.#waiters.push(check);
      };
      const finish = (v: boolean) => {
        clearTimeout(timer);
        resolve(v);
      };
      this.#waiters.push(check);
    });
  }

  close(): Promise<void> {
    this.#stopHeartbeat();
    this.#loop.stop(1000, 'run finished');
    return this.#loop.stopped;
  }

  /** Test hook: drop the socket as a network failure would. */
  dropSocket(): void {
    this.#loop.drop();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #ack(frame: number): void {
    if (frame > this.#acked) this.#acked = Math.min(frame, this.lastFrame);
    while (this.#unacked.length > 0 && this.#unacked[0].frame <= this.#acked) this.#unacked.shift();
    this.#wake();
  }

  #onMessage(data: string): void {
    let msg;
    try {
      msg = RoomToRunner.parse(JSON.parse(data));
    } catch {
      this.#o.log.warn('bad message on run socket, reconnecting', { runId: this.#o.runId });
      return this.#loop.drop();
    }
    if (msg.type === 'attached') {
      this.#ack(msg.lastFrame);
      this.#attached = true;
      for (const f of this.#unacked) this.#loop.send(f);
      this.#startHeartbeat();
      if (msg.cancelRequested) this.#o.onCancel('cancel requested');
    } else if (msg.type === 'ack') this.#ack(msg.frame);
    else this.#o.onCancel(msg.reason);
  }

  #onClose(code: number, reason: string, httpStatus?: number): 'reconnect' | 'stop' {
    this.#attached = false;
    this.#stopHeartbeat();
    // A run the Worker no longer knows (404/410) or refuses for this assignment (409) is as stale as a 4409 close.
    if (httpStatus === 404 || httpStatus === 409 || httpStatus === 410) code = CLOSE_CODES.staleAssignment;
    if (code === CLOSE_CODES.staleAssignment || code === CLOSE_CODES.unauthorized) {
      this.#lost = true;
      this.#wake();
      this.#o.onLost(code === CLOSE_CODES.staleAssignment ? `assignment ${this.#o.assignment} is no longer current` : `run socket refused: ${reason}`);
      return 'stop';
    }
    return 'reconnect';
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    const every = Math.max(100, Math.floor(this.#o.leaseMs / 3));
    this.#heartbeat = setInterval(() => this.#loop.send({ type: 'heartbeat' }), every);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}
