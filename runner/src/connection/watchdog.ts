/**
 * A socket's dead-peer watchdog (issue 12, LIMITS.socketPingEveryMs / socketSilenceMs). A socket
 * gone half-open (packets dropped, no FIN/RST, no close) looks exactly like a quiet one to TCP and
 * to `ws`: only silence gives it away. So every open socket must say something within `silenceMs`
 * — anything counts — and once its peer has said it answers pings, it is pinged every
 * `pingEveryMs` so a healthy idle socket always has something to say. Silence past the bound calls
 * `silent()`, and the owner drops the socket (and redials).
 *
 * Before the peer says it answers pings the watchdog only waits for a first word (the welcome):
 * an older Worker would close the socket on a ping it cannot parse. `quiet()` disarms it for a
 * peer that never answers, whose sockets are then left to TCP as before.
 */
export interface WatchdogOptions {
  pingEveryMs: number;
  silenceMs: number;
}

export interface WatchdogHooks {
  ping(): void;
  silent(silenceMs: number): void;
}

export class Watchdog {
  readonly options: WatchdogOptions;
  #hooks: WatchdogHooks;
  #silence: ReturnType<typeof setTimeout> | null = null;
  #pinger: ReturnType<typeof setInterval> | null = null;

  constructor(options: WatchdogOptions, hooks: WatchdogHooks) {
    this.options = options;
    this.#hooks = hooks;
  }

  /** A socket opened: it must say something within silenceMs. */
  arm(): void {
    this.stop();
    this.heard();
  }

  /** The peer answers pings: ping it from now on (until stop or arm). */
  pinging(): void {
    if (this.#pinger || !this.#silence) return;
    this.#pinger = setInterval(() => this.#hooks.ping(), this.options.pingEveryMs);
    this.#pinger.unref();
  }

  /** Something arrived: the silence starts over. */
  heard(): void {
    if (this.#silence) clearTimeout(this.#silence);
    this.#silence = setTimeout(() => {
      this.stop();
      this.#hooks.silent(this.options.silenceMs);
    }, this.options.silenceMs);
    this.#silence.unref();
  }

  /** The socket closed, or its peer does not answer pings: watch nothing until the next arm. */
  stop(): void {
    if (this.#silence) clearTimeout(this.#silence);
    if (this.#pinger) clearInterval(this.#pinger);
    this.#silence = this.#pinger = null;
  }
}
