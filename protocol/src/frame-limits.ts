/**
 * The run socket's promises (LIMITS.frameMaxEvents, frameMaxBytes, eventMaxBytes, eventMaxDepth) as
 * checks: TaskRoom refuses a frame that breaks one, the runner's batcher builds frames that keep
 * them, and the fake Worker in testkit/ flags any runner frame that does not. Runtime-neutral
 * (Workers, Node, browser). Sizes are of the JSON as TaskRoom stores it, after parsing: a number
 * like 1e20 is 4 bytes on the wire and 21 once re-serialised.
 */
import { LIMITS } from './limits.ts';

// Every runtime protocol/ runs in has TextEncoder; its own type-check has no DOM or Node types.
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
const encoder = new TextEncoder();

/** UTF-8 length of `s` as TextEncoder writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
export function utf8Bytes(s: string): number {
  // Native encoding beat counting char codes in JS ~3× on a 600 KB string (0.7 vs 2.3 ms, Node 22).
  return encoder.encode(s).length;
}

/**
 * Whether JSON text nests deeper than `max` levels of arrays and objects, read without parsing it:
 * JSON.parse of a value 400,000 levels deep takes a third of a second, this scan well under a
 * millisecond. Strings are skipped with indexOf, so text costs next to nothing, only structure.
 */
export function jsonTextNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Index of the quote that closes the string opening at `open` (text.length if none: not JSON). */
function stringEnd(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return text.length;
}

/**
 * Whether `value` nests deeper than `max` levels of arrays and objects (a scalar is level 0, `{}`
 * level 1). Iterative, and it stops at the first path past `max`, so a value nested 400,000 deep
 * costs no more than `max` levels of it and never overflows a stack.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

/** The UTF-8 bytes of an event's JSON, as event-log.ts stores it; Infinity if it cannot be serialised. */
export function eventBytes(event: unknown): number {
  try {
    return utf8Bytes(JSON.stringify(event));
  } catch {
    return Infinity;
  }
}

/** Why one event breaks the promises, or null. Depth first: serialising a too-deep value is what throws. */
export function eventViolation(event: unknown): string | null {
  if (nestsDeeperThan(event, LIMITS.eventMaxDepth)) return `an event nests deeper than ${LIMITS.eventMaxDepth} levels`;
  const bytes = eventBytes(event);
  if (bytes > LIMITS.eventMaxBytes) return `an event of ${bytes} bytes is over ${LIMITS.eventMaxBytes}`;
  return null;
}

/** Why a parsed frame's events break the promises, or null. */
export function frameEventsViolation(events: readonly unknown[]): string | null {
  if (events.length > LIMITS.frameMaxEvents) return `a frame of ${events.length} events is over ${LIMITS.frameMaxEvents}`;
  for (const [i, event] of events.entries()) {
    const why = eventViolation(event);
    if (why) return `event ${i + 1}: ${why}`;
  }
  return null;
}

/** Levels a frame adds around its events: the frame object and its `events` array. */
const FRAME_LEVELS = 2;

/** Why a frame message's text may not even be parsed (too large, or nested too deep), or null. */
export function frameTextViolation(text: string): string | null {
  // Each UTF-16 unit is 1–3 UTF-8 bytes: count only when the length alone does not decide.
  const max = LIMITS.frameMaxBytes;
  if (text.length > max || (text.length * 3 > max && utf8Bytes(text) > max)) return `a message over ${max} bytes`;
  if (jsonTextNestsDeeperThan(text, LIMITS.eventMaxDepth + FRAME_LEVELS)) return `a message nests deeper than ${LIMITS.eventMaxDepth} levels inside its frame`;
  return null;
}
