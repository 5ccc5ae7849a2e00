/**
 * Groups a run's events into frames (docs/architecture.md §5): a frame goes out when the oldest pending event
 * is `maxDelayMs` old, or the batch reaches `maxEvents` events (LIMITS.frameMaxEvents) or
 * `maxBytes` bytes, or on flush(). Every event is first fitted to the run socket's promises
 * (event-fit.ts: text cut at `maxTextBytes`, ≤ LIMITS.eventMaxBytes, ≤ LIMITS.eventMaxDepth), and
 * bytes are counted as the JSON that is sent, so a frame is ≤ maxBytes plus one merged text piece,
 * or one event alone: under LIMITS.frameMaxBytes either way. TaskRoom refuses a frame that is not.
 */
import { LIMITS, eventBytes, type RunEvent } from '../../protocol/src/index.ts';
import { fitEvent, jsonStringBytes } from './event-fit.ts';

export interface BatcherOptions {
  send: (events: RunEvent[]) => void;
  maxDelayMs?: number;
  maxEvents?: number;
  maxBytes?: number;
  maxTextBytes?: number;
}

export class EventBatcher {
  #opts: Required<BatcherOptions>;
  #pending: RunEvent[] = [];
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: BatcherOptions) {
    this.#opts = {
      maxDelayMs: LIMITS.batchMaxDelayMs,
      maxEvents: LIMITS.frameMaxEvents,
      maxBytes: LIMITS.batchMaxBytes,
      maxTextBytes: LIMITS.eventMaxTextBytes,
      ...opts,
    };
  }

  get pending(): number {
    return this.#pending.length;
  }

  push(event: RunEvent): void {
    // Streamed text arrives a few characters at a time; consecutive pieces in one batch are
    // stored as one event (same text, far fewer rows), as long as it stays under the text cap.
    const last = this.#pending.at(-1);
    if (event.type === 'text' && last?.type === 'text' && last.runId === event.runId
      && Buffer.byteLength(last.text) + Buffer.byteLength(event.text) <= this.#opts.maxTextBytes) {
      this.#pending[this.#pending.length - 1] = { ...last, text: last.text + event.text };
      this.#bytes += jsonStringBytes(event.text);
      if (this.#bytes >= this.#opts.maxBytes) this.flush();
      return;
    }
    const fitted = fitEvent(event, this.#opts.maxTextBytes);
    const size = eventBytes(fitted);
    if (this.#pending.length > 0 && this.#bytes + size > this.#opts.maxBytes) this.flush();
    this.#pending.push(fitted);
    this.#bytes += size;
    if (this.#pending.length >= this.#opts.maxEvents || this.#bytes >= this.#opts.maxBytes) return this.flush();
    this.#timer ??= setTimeout(() => this.flush(), this.#opts.maxDelayMs);
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    this.#opts.send(events);
  }

  /** Stops the timer without sending (the run is being abandoned). */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = [];
  }
}
