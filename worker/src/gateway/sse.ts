/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream format) over `eventsource-parser`:
 * feed it decoded text in any chunking, get complete events back. Only `event` and `data` matter to
 * the gateway; `id`, `retry` and comments are skipped.
 *
 * Linear in the stream's length (issue 11): the library keeps an unfinished line as a list of
 * pieces and joins them once, when the line ends, where the old hand-written parser rebuilt and
 * rescanned its whole buffer on every chunk (one 8 MiB line in 16 KiB chunks cost seconds of CPU).
 * And bounded: an unfinished event longer than `maxChars` stops the parser for the rest of the
 * stream — what it already yielded stands — instead of holding an ever-growing line.
 */
import { createParser } from 'eventsource-parser';
import type { EventSourceParser } from 'eventsource-parser';

export interface SseEvent {
  event: string | undefined;
  data: string;
}

export class SseParser {
  #parser: EventSourceParser;
  #out: SseEvent[] = [];
  #overflowed = false;

  constructor(maxChars?: number) {
    this.#parser = createParser({
      onEvent: (ev) => this.#out.push({ event: ev.event, data: ev.data }),
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') this.#overflowed = true;
        // Unknown fields and bad `retry` values are ignored, as an EventSource would.
      },
      maxBufferSize: maxChars,
    });
  }

  /** True once an event outgrew `maxChars`: nothing after it is parsed. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Feed text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    if (!this.#overflowed && text) this.#parser.feed(text);
    return this.#take();
  }

  /** The stream ended: a last event without its blank line still counts. */
  end(): SseEvent[] {
    // Two line ends finish an unfinished line (or the \n of a trailing \r) and then the event.
    if (!this.#overflowed) this.#parser.feed('\n\n');
    return this.#take();
  }

  #take(): SseEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}
