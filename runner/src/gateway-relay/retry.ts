/**
 * Riding out a Worker outage (issue "the local stack must not die under its user": a 6.6 s Worker
 * restart failed every running attempt). A relayed request whose Worker is not there (forward.ts) is
 * tried again after a full-jitter exponential backoff (protocol/src/backoff.ts), each retry reported; once the
 * Worker has been unreachable for `maxOutageMs` (default 60 s) the request gives up. The outage
 * clock is the relay's, not the request's: it starts at the first failure and stops at the first
 * answer, so an SDK that retries a given-up request (the Gemini SDK retries 502) fails at once
 * instead of waiting another 60 s, and parallel requests share one outage.
 * Only failures before a response are retried; a stream cut later is the agent's to replay.
 */
import type { IncomingMessage } from 'node:http';
import { Backoff } from '../../../protocol/src/index.ts';
import { sleep } from '../cancellable.ts';
import { notTheGateway, tryOnce, Unreachable, type Try } from './forward.ts';

export const DEFAULT_MAX_OUTAGE_MS = 60_000;

export interface RetryOptions {
  maxOutageMs: number;
  newBackoff: () => Backoff;
  report(level: 'info' | 'warn', message: string): void;
  now?: () => number;
}

export type Outcome = { kind: 'answer'; res: IncomingMessage } | { kind: 'gave-up'; downMs: number; reason: string } | { kind: 'aborted' };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class OutageClock {
  #downSince: number | null = null;
  readonly now: () => number;
  constructor(now: () => number = Date.now) {
    this.now = now;
  }
  /** Marks a failure; returns how long the Worker has been unreachable. */
  failed(): number {
    this.#downSince ??= this.now();
    return this.now() - this.#downSince;
  }
  /** Marks an answer; returns how long the outage it ends lasted, or null if there was none. */
  answered(): number | null {
    if (this.#downSince === null) return null;
    const lasted = this.now() - this.#downSince;
    this.#downSince = null;
    return lasted;
  }
}

/** `describe` names the request in the give-up line ("POST /v1/llm/openai/chat/completions"). */
export async function forwardWithRetry(t: Try, clock: OutageClock, o: RetryOptions, describe: string): Promise<Outcome> {
  const now = o.now ?? Date.now;
  const backoff = o.newBackoff();
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      const res = await tryOnce(t);
      if (!notTheGateway(res)) {
        const lasted = clock.answered();
        if (lasted !== null) o.report('info', `LLM gateway reachable again after ${seconds(lasted)}`);
        return { kind: 'answer', res };
      }
      reason = `HTTP ${res.statusCode} that is not the gateway's answer`;
      res.resume();
    } catch (e) {
      if (t.signal.aborted) return { kind: 'aborted' };
      reason = e instanceof Unreachable ? e.reason : String(e);
    }
    const down = clock.failed();
    if (down >= o.maxOutageMs) {
      o.report('warn', `LLM gateway unreachable for ${seconds(down)} (${reason}); giving up on ${describe}`);
      return { kind: 'gave-up', downMs: down, reason };
    }
    const delay = Math.min(backoff.next(), o.maxOutageMs - down);
    o.report('warn', `LLM gateway unreachable (${reason}); retrying in ${seconds(delay)} (attempt ${attempt + 1})`);
    await sleep(delay, t.signal);
    if (t.signal.aborted) return { kind: 'aborted' };
  }
}
