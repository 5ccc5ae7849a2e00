/**
 * The run socket's promises (LIMITS.frameMaxEvents, frameMaxBytes, eventMaxBytes, eventMaxDepth) as
 * checks: TaskRoom refuses a frame that breaks one, the runner's batcher builds frames that keep
 * them, and the fake Worker in testkit/ flags any runner frame that does not. Pure and
 * runtime-neutral (Workers, Node, browser): no Buffer, no TextEncoder allocation per call.
 */
import { LIMITS } from './limits.ts';

/** UTF-8 length of `s` as TextEncoder would write it (a lone surrogate becomes U+FFFD, 3 bytes). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
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

/** Why a frame message's text is too large to parse, or null. */
export function frameTextViolation(text: string): string | null {
  // Each UTF-16 unit is 1–3 UTF-8 bytes: count only when the length alone does not decide.
  const max = LIMITS.frameMaxBytes;
  const over = text.length > max || (text.length * 3 > max && utf8Bytes(text) > max);
  return over ? `a message over ${max} bytes` : null;
}
