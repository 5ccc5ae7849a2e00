/**
 * One outbound WebSocket kept alive: dial with the runner credential, hand messages to the
 * owner, and redial with jittered backoff after a drop — unless the owner says the close is
 * terminal or stop() was called. An upgrade refused with an HTTP status is reported as the close
 * code that status means (protocol's closeCodeForRefusedUpgrade: 401/403 unauthorized, 404/409/410
 * staleAssignment), so owners handle "refused" one way, before or after the socket opened. Each dial reads the
 * runner's credential then (after a rotation being saved has settled); a refusal of a credential
 * the runner has since rotated away from is a race, not a verdict, and is simply redialled.
 * With `watchdog`, a socket that stays silent past its bound is dropped and redialled
 * (watchdog.ts); the owner calls keepAlive() once the peer said whether it answers pings, and
 * the pongs are the loop's own business, never handed to the owner.
 */
import WebSocket from 'ws';
import { Backoff, CLOSE_CODES, closeCodeForRefusedUpgrade, encode, SOCKET_PING, SOCKET_PONG, type Outgoing, type SocketRole } from '../../../protocol/src/index.ts';
import { asCredential, type CredentialInput, type RunnerCredential } from '../credential.ts';
import type { Logger } from '../log.ts';
import { Watchdog, type WatchdogOptions } from './watchdog.ts';

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  /**
   * Return 'stop' for a terminal close, or a number of milliseconds to wait before redialling
   * instead of the backoff's. `httpStatus` is set when the upgrade itself was refused.
   */
  onClose(code: number, reason: string, httpStatus?: number): 'reconnect' | 'stop' | number;
}

export interface SocketLoopOptions<R extends SocketRole> {
  /** What this loop writes (runnerToPool or runnerToRoom): send() takes only that role's messages. */
  role: R;
  url: string;
  credential: CredentialInput;
  log: Logger;
  handlers: SocketHandlers;
  backoff?: Backoff;
  /** Drop a socket silent for longer than this (see keepAlive). */
  watchdog?: WatchdogOptions;
}

export class SocketLoop<R extends SocketRole> {
  #opts: SocketLoopOptions<R>;
  #credential: RunnerCredential;
  #backoff: Backoff;
  #ws: WebSocket | null = null;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #watchdog: Watchdog | null;
  #idle: Promise<void>;
  #markIdle!: () => void;

  constructor(opts: SocketLoopOptions<R>) {
    this.#opts = opts;
    this.#credential = asCredential(opts.credential);
    this.#backoff = opts.backoff ?? new Backoff();
    this.#idle = new Promise((r) => (this.#markIdle = r));
    this.#watchdog = opts.watchdog
      ? new Watchdog(opts.watchdog, {
        ping: () => this.#ws?.readyState === WebSocket.OPEN && this.#ws.send(SOCKET_PING),
        silent: (ms) => {
          opts.log.warn('socket silent, dropping it (half-open?) and redialling', { url: opts.url, silentForMs: ms });
          this.drop();
        },
      })
      : null;
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Resolves once the loop has stopped for good (stop() or a terminal close). */
  get stopped(): Promise<void> {
    return this.#idle;
  }

  start(): void {
    this.#dial();
  }

  send(msg: Outgoing<R>): boolean {
    if (!this.isOpen) return false;
    this.#ws!.send(encode(this.#opts.role, msg));
    return true;
  }

  /**
   * Whether the current socket's peer answers SOCKET_PING: ping it and keep watching its silence,
   * or stop watching this socket (an older peer that does not answer would look dead).
   */
  keepAlive(peerAnswersPing: boolean): void {
    if (peerAnswersPing) this.#watchdog?.pinging();
    else this.#watchdog?.stop();
  }

  /** Closes the socket and never redials. */
  stop(code = 1000, reason = 'bye'): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    const ws = this.#ws;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      ws.close(code, reason);
      // A peer that never answers the close handshake must not keep us alive.
      setTimeout(() => ws.terminate(), 2_000).unref();
    } else this.#markIdle();
  }

  /** Drops the current socket abruptly (tests, and a dead-peer watchdog) and redials. */
  drop(): void {
    this.#ws?.terminate();
  }

  #dial(): void {
    if (this.#stopped) return this.#markIdle();
    void this.#credential.settled().then(() => this.#open());
  }

  #open(): void {
    if (this.#stopped) return this.#markIdle();
    const { url, log, handlers } = this.#opts;
    const credential = this.#credential.current;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` }, handshakeTimeout: 15_000 });
    this.#ws = ws;
    let httpStatus = 0;
    ws.on('open', () => {
      this.#backoff.connected();
      this.#watchdog?.arm();
      handlers.onOpen();
    });
    ws.on('message', (data) => {
      const text = String(data);
      this.#watchdog?.heard();
      if (text !== SOCKET_PONG) handlers.onMessage(text);
    });
    ws.on('error', (err) => {
      const m = /Unexpected server response: (\d+)/.exec(err.message);
      if (m) httpStatus = Number(m[1]);
      log.debug('socket error', { url, error: err.message });
    });
    ws.on('close', (code, reasonBuf) => {
      if (this.#ws === ws) {
        this.#ws = null;
        this.#watchdog?.stop();
      }
      let reason = String(reasonBuf);
      const refusedAs = httpStatus ? closeCodeForRefusedUpgrade(httpStatus) : null;
      if (httpStatus) [code, reason] = [refusedAs ?? code, `HTTP ${httpStatus} on upgrade`];
      // Refused at the upgrade for a credential rotated away meanwhile: try again with the new one.
      // (A close 4003 on an open socket is the Worker's word about this runner, not a race.)
      const stale = refusedAs === CLOSE_CODES.unauthorized && this.#credential.current !== credential;
      const verdict = stale ? 'reconnect' : handlers.onClose(code, reason, httpStatus || undefined);
      if (this.#stopped || verdict === 'stop') {
        this.#stopped = true;
        return this.#markIdle();
      }
      const delay = typeof verdict === 'number' ? verdict : this.#backoff.next();
      log.info('socket closed, reconnecting', { url, code, reason, retryInMs: delay });
      this.#retry = setTimeout(() => this.#dial(), delay);
    });
  }
}
