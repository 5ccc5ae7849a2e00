/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream format): feed it decoded text
 * in any chunking, get complete events back. Only `event` and `data` matter to the gateway;
 * `id`, `retry` and comments are skipped.
 */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

export class SseParser {
  #buffer = '';
  #event: string | undefined;
  #data: string[] = [];

  /** Feed text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    const buf = this.#buffer + text;
    const out: SseEvent[] = [];
    const eol = /\r\n|\r|\n/g;
    let start = 0;
    for (let m = eol.exec(buf); m; m = eol.exec(buf)) {
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === buf.length - 1) break;
      this.#line(buf.slice(start, m.index), out);
      start = m.index + m[0].length;
    }
    this.#buffer = buf.slice(start);
    return out;
  }

  /** The stream ended: a last event without its blank line still counts. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.#buffer) this.#line(this.#buffer, out);
    this.#buffer = '';
    this.#line('', out);
    return out;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.#data.length) out.push({ event: this.#event, data: this.#data.join('\n') });
      this.#event = undefined;
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }
}
