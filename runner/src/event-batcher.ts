/**
 * Groups a run's events into frames (DESIGN §5): a frame goes out when the oldest pending event
 * is `maxDelayMs` old, or the batch reaches `maxEvents` events or `maxBytes` bytes, or on
 * flush(). Long text in an event is cut at `maxTextBytes` so one event always fits a frame and
 * a frame fits a WebSocket message (workerd's limit is 1 MiB).
 */
import { LIMITS, type RunEvent } from '../../protocol/src/index.ts';

export interface BatcherOptions {
  send: (events: RunEvent[]) => void;
  maxDelayMs?: number;
  maxEvents?: number;
  maxBytes?: number;
  maxTextBytes?: number;
}

/** Cuts `s` to at most `max` UTF-8 bytes (never inside a character) and says so. */
export function cutText(s: string, max: number): string {
  const bytes = Buffer.byteLength(s);
  if (bytes <= max) return s;
  const note = ` … [cut ${bytes - max} bytes]`;
  let buf = Buffer.from(s).subarray(0, Math.max(0, max - Buffer.byteLength(note)));
  // Step back over a partial multi-byte character (continuation bytes are 10xxxxxx).
  let end = buf.length;
  while (end > 0 && (buf[end - 1] & 0xc0) === 0x80) end--;
  if (end > 0 && buf[end - 1] >= 0xc0) end--;
  buf = buf.subarray(0, end);
  return buf.toString('utf8') + note;
}

/** Applies the per-event text cap to every free-text field of an event. */
export function capEvent(e: RunEvent, max: number): RunEvent {
  switch (e.type) {
    case 'text':
      return { ...e, text: cutText(e.text, max) };
    case 'log':
      return { ...e, message: cutText(e.message, max) };
    case 'tool_result':
      return { ...e, output: cutText(e.output, max) };
    case 'tool_call': {
      const json = JSON.stringify(e.input ?? null);
      return Buffer.byteLength(json) <= max ? e : { ...e, input: { truncated: true, preview: cutText(json, max - 64) } };
    }
    case 'status':
      return e.reason === undefined ? e : { ...e, reason: cutText(e.reason, max) };
    default:
      return e;
  }
}

export class EventBatcher {
  #opts: Required<BatcherOptions>;
  #pending: RunEvent[] = [];
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: BatcherOptions) {
    this.#opts = {
      maxDelayMs: LIMITS.batchMaxDelayMs,
      maxEvents: LIMITS.batchMaxEvents,
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
      const grown = Buffer.byteLength(event.text);
      this.#pending[this.#pending.length - 1] = { ...last, text: last.text + event.text };
      this.#bytes += grown;
      if (this.#bytes >= this.#opts.maxBytes) this.flush();
      return;
    }
    const capped = capEvent(event, this.#opts.maxTextBytes);
    const size = Buffer.byteLength(JSON.stringify(capped));
    if (this.#pending.length > 0 && this.#bytes + size > this.#opts.maxBytes) this.flush();
    this.#pending.push(capped);
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
