/**
 * A run's socket to its TaskRoom (`/v1/runs/:id/stream?assignment=N`, docs/architecture.md §5–6).
 * Frames are numbered 1, 2, 3… per assignment and kept until acked (acks are cumulative).
 * After every (re)connect TaskRoom says `attached { lastFrame }`: frames ≤ lastFrame are
 * dropped, the rest are resent in order before any new frame, so the stored log has no gap and
 * no duplicate. Heartbeats every leaseMs/3 keep the lease. `cancel` (or cancelRequested on
 * attach) triggers onCancel; close code staleAssignment (or a 404/409/410 on the upgrade) means
 * the run is no longer ours.
 * Attach timeout (issue 11): a socket that stays un-`attached` for `attachTimeoutMs` — the
 * assignment's lease by default — gives the run up (onLost) whatever the reason (a refusal that
 * never arrived, a Worker that is gone): TaskRoom renews a lease only over an attached socket,
 * so by then the lease it granted has run out and the run is, or is about to be, re-queued for
 * someone else. The clock starts at start() and at every drop, and stops at `attached`.
 * Dead-peer watchdog (issue 12): the pool socket's (watchdog.ts), once `attached` says TaskRoom
 * answers pings. A half-open run socket is dropped after LIMITS.socketSilenceMs and redialled,
 * well inside the lease. The heartbeat stays separate: it renews the lease, so it must reach
 * TaskRoom's code, while a ping is answered by the runtime without waking it.
 */
import { CLOSE_CODES, LIMITS, decode, type Backoff, type Frame, type RunEvent } from '../../../protocol/src/index.ts';
import type { CredentialInput } from '../credential.ts';
import type { Logger } from '../log.ts';
import { SocketLoop } from './socket-loop.ts';
import type { WatchdogOptions } from './watchdog.ts';

export interface RunConnectionOptions {
  baseUrl: string;
  credential: CredentialInput;
  runId: string;
  assignment: number;
  leaseMs: number;
  log: Logger;
  onCancel(reason: string): void;
  /** The assignment is stale (or the credential was revoked, or it never attached in time): stop the run, push nothing. */
  onLost(reason: string): void;
  backoff?: Backoff;
  /** How long the socket may stay un-attached before the run is given up (default: leaseMs). */
  attachTimeoutMs?: number;
  /** Default LIMITS.socketPingEveryMs / socketSilenceMs (tests shorten it). */
  watchdog?: WatchdogOptions;
}

export class RunConnection {
  #o: RunConnectionOptions;
  #loop: SocketLoop<'runnerToRoom'>;
  #unacked: Frame[] = [];
  #nextFrame = 1;
  #acked = 0;
  #attached = false;
  #lost = false;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #attachTimer: ReturnType<typeof setTimeout> | null = null;
  #waiters: Array<() => void> = [];

  constructor(o: RunConnectionOptions) {
    this.#o = o;
    const url = `${o.baseUrl.replace(/^http/, 'ws')}/v1/runs/${encodeURIComponent(o.runId)}/stream?assignment=${o.assignment}`;
    this.#loop = new SocketLoop({
      role: 'runnerToRoom', url, credential: o.credential, log: o.log, backoff: o.backoff,
      watchdog: o.watchdog ?? { pingEveryMs: LIMITS.socketPingEveryMs, silenceMs: LIMITS.socketSilenceMs },
      handlers: {
        onOpen: () => {
          this.#attached = false;
        },
        onMessage: (data) => this.#onMessage(data),
        onClose: (code, reason) => this.#onClose(code, reason),
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
    this.#armAttachTimeout();
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
    this.#clearAttachTimeout();
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
    const decoded = decode('roomToRunner', data);
    if (!decoded.ok) {
      this.#o.log.warn('bad message on run socket, reconnecting', { runId: this.#o.runId });
      return this.#loop.drop();
    }
    const msg = decoded.msg;
    if (msg.type === 'attached') {
      this.#clearAttachTimeout();
      this.#ack(msg.lastFrame);
      this.#attached = true;
      this.#loop.keepAlive(msg.answersPing === true);
      for (const f of this.#unacked) this.#loop.send(f);
      this.#startHeartbeat();
      if (msg.cancelRequested) this.#o.onCancel('cancel requested');
    } else if (msg.type === 'ack') this.#ack(msg.frame);
    else this.#o.onCancel(msg.reason);
  }

  #onClose(code: number, reason: string): 'reconnect' | 'stop' {
    this.#attached = false;
    this.#stopHeartbeat();
    if (code === CLOSE_CODES.staleAssignment || code === CLOSE_CODES.unauthorized) {
      this.#giveUp(code === CLOSE_CODES.staleAssignment ? `assignment ${this.#o.assignment} is no longer current` : `run socket refused: ${reason}`);
      return 'stop';
    }
    if (!this.#lost) this.#armAttachTimeout();
    return 'reconnect';
  }

  #giveUp(reason: string): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#clearAttachTimeout();
    this.#stopHeartbeat();
    this.#wake();
    this.#o.onLost(reason);
  }

  #armAttachTimeout(): void {
    if (this.#attachTimer) return;
    const ms = this.#o.attachTimeoutMs ?? this.#o.leaseMs;
    this.#attachTimer = setTimeout(() => {
      this.#attachTimer = null;
      if (this.#attached) return;
      this.#o.log.warn('run socket not attached in time; giving the run up', { runId: this.#o.runId, attachTimeoutMs: ms });
      this.#loop.stop(1000, 'not attached in time');
      this.#giveUp(`run socket not attached within ${ms} ms: the run's lease has run out`);
    }, ms);
  }

  #clearAttachTimeout(): void {
    if (this.#attachTimer) clearTimeout(this.#attachTimer);
    this.#attachTimer = null;
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
