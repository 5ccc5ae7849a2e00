/**
 * Reads the gateway's copy of an upstream response body (one branch of a tee; the client reads
 * the other, untouched and unbuffered) and hands what carries usage to the provider's reader:
 * each SSE event whose data mentions usage, parsed as JSON, or the whole JSON body. Never
 * throws: a cut stream or a body that is not JSON just yields the usage seen so far.
 * Linear in the body's length and bounded in memory: SSE through sse.ts (an unfinished event is
 * held up to the gateway's answer cap, which no answer passes: answer-cap.ts cuts it first), a
 * JSON body up to MAX_JSON_BYTES.
 */
import { LIMITS } from '../../../protocol/src/index.ts';
import type { Tokens } from './tokens.ts';
import { SseParser } from './sse.ts';

export interface UsageReader {
  /** One SSE event (data parsed as JSON). */
  event(name: string | undefined, data: unknown): void;
  /** A whole JSON response body. */
  json(body: unknown): void;
  tokens(): Tokens;
}

/** A non-streamed body bigger than this is not parsed for usage (its copy would cost the memory). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function tapUsage(body: ReadableStream<Uint8Array>, contentType: string, reader: UsageReader): Promise<Tokens> {
  const sse = /text\/event-stream/i.test(contentType);
  const parser = new SseParser(LIMITS.gatewayMaxResponseBytes);
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  let size = 0;
  const onEvents = (events: ReturnType<SseParser['push']>) => {
    for (const ev of events) {
      // Cheap filter first: only events that mention usage are worth a JSON.parse.
      if (!ev.data.includes('"usage')) continue;
      const data = parse(ev.data);
      if (data !== undefined) reader.event(ev.event, data);
    }
  };
  const stream = body.getReader();
  try {
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (sse) {
        onEvents(parser.push(text));
      } else {
        size += value.byteLength;
        if (size > MAX_JSON_BYTES) {
          await stream.cancel();
          return reader.tokens();
        }
        chunks.push(text);
      }
    }
    const rest = decoder.decode();
    if (sse) onEvents([...parser.push(rest), ...parser.end()]);
    else {
      const json = parse(chunks.join('') + rest);
      if (json !== undefined) reader.json(json);
    }
  } catch {
    // The upstream stream broke off: keep whatever usage was already seen.
  }
  return reader.tokens();
}
