/**
 * Reconnect delays, one for every client that redials the Worker — runners' sockets and gateway
 * relay, the web app's task and feed sockets: "full jitter" exponential backoff
 * (delay = random × min(cap, base × 2^n)), so a fleet of runners or every open tab that lost the
 * Worker at the same moment does not come back in lockstep. The attempt counter resets after a
 * connection stayed up for `stableMs` (`connected()`), so a server that accepts and immediately
 * drops us still backs off (docs/architecture.md §6), or when the owner knows it was served
 * (`reset()`). No timers here and no dependencies: the caller schedules.
 */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** A connection that lasted this long counts as stable and resets the backoff. */
  stableMs?: number;
  random?: () => number;
  now?: () => number;
}

export class Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly stableMs: number;
  #random: () => number;
  #now: () => number;
  #attempt = 0;
  #upSince: number | null = null;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 250;
    this.capMs = opts.capMs ?? 15_000;
    this.stableMs = opts.stableMs ?? 10_000;
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? Date.now;
  }

  get attempt(): number {
    return this.#attempt;
  }

  /** Call when a connection is established. */
  connected(): void {
    this.#upSince = this.#now();
  }

  /** Delay before the next attempt; call after a failed attempt or a dropped connection. */
  next(): number {
    if (this.#upSince !== null && this.#now() - this.#upSince >= this.stableMs) this.#attempt = 0;
    this.#upSince = null;
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.floor(this.#random() * ceiling);
  }

  reset(): void {
    this.#attempt = 0;
    this.#upSince = null;
  }
}
