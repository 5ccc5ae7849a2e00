/**
 * Fan-out of stored events to viewer sockets (tag `viewer`). Events go out as `events` messages
 * of at most LIMITS.replayChunkEvents events and ~512 KiB each, so one message stays well under
 * the 1 MiB WebSocket message limit even when a `result` event carries a large patch. Callers
 * broadcast only after the events are committed (persist first, then broadcast).
 */
import { LIMITS, encodeViewerEvents, sendEncoded, storedEventJson } from '../../../protocol/src/index.ts';
import type { StoredEvent, StoredEventJson } from '../../../protocol/src/index.ts';

const MAX_MESSAGE_CHARS = 512 * 1024;

/** Serialized `events` messages for `events`, chunked by count and size. */
export function eventMessages(events: readonly StoredEvent[]): string[] {
  const out: string[] = [];
  let parts: StoredEventJson[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length) out.push(encodeViewerEvents(parts));
    parts = [];
    size = 0;
  };
  for (const event of events) {
    const json = storedEventJson(event);
    if (parts.length && (parts.length >= LIMITS.replayChunkEvents || size + json.length > MAX_MESSAGE_CHARS)) flush();
    parts.push(json);
    size += json.length + 1;
  }
  flush();
  return out;
}

export function sendEvents(ws: WebSocket, events: readonly StoredEvent[]): void {
  for (const msg of eventMessages(events)) sendEncoded(ws, msg);
}

export function broadcast(ctx: DurableObjectState, events: readonly StoredEvent[]): void {
  if (!events.length) return;
  const messages = eventMessages(events);
  for (const ws of ctx.getWebSockets('viewer')) for (const msg of messages) sendEncoded(ws, msg);
}
