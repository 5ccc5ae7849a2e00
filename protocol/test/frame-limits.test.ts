/**
 * The run socket's limits as checks (frame-limits.ts): TaskRoom enforces them and the runner's
 * batcher is tested against them, so their arithmetic is pinned here.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS, eventBytes, eventViolation, frameEventsViolation, frameTextViolation, jsonTextNestsDeeperThan, nestsDeeperThan, utf8Bytes } from '../src/index.ts';

describe('frame limits', () => {
  it('counts UTF-8 bytes, lone surrogates as U+FFFD', () => {
    expect(['', 'ascii', 'é', '日本語', '😀 x', '\ud800', 'a\udc00b'].map(utf8Bytes)).toEqual([0, 5, 2, 9, 6, 3, 5]);
  });

  it('reads nesting from JSON text without parsing it, strings and escapes skipped', () => {
    expect(jsonTextNestsDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(jsonTextNestsDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(jsonTextNestsDeeperThan('{"a":"[[[[[[\\"[[[[","b":[]}', 2)).toBe(false);
    expect(jsonTextNestsDeeperThan(`${'['.repeat(400_000)}${']'.repeat(400_000)}`, LIMITS.eventMaxDepth)).toBe(true);
  });

  it('measures nesting with the containers only, and stops at the limit', () => {
    expect(nestsDeeperThan('scalar', 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [1, { b: [] }] }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: [] }] }, 3)).toBe(true);
    let deep: unknown = [];
    for (let i = 0; i < 400_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep, LIMITS.eventMaxDepth)).toBe(true);
  });

  it('sizes an event as the JSON TaskRoom stores', () => {
    const event = { type: 'text', runId: 'r', ts: 1, text: '"é\u0001' };
    expect(eventBytes(event)).toBe(JSON.stringify(event).length + 1); // é is 2 bytes; the quote and \u0001 are escaped
    const text = (n: number) => ({ type: 'text', runId: 'r', ts: 1, text: 'x'.repeat(n) });
    const room = LIMITS.eventMaxBytes - eventBytes(text(0));
    expect(eventViolation(text(room))).toBeNull();
    expect(eventViolation(text(room + 1))).toBe(`an event of ${LIMITS.eventMaxBytes + 1} bytes is over ${LIMITS.eventMaxBytes}`);
  });

  it('names the first broken promise of a frame, and the message size before parsing', () => {
    const small = { type: 'log', runId: 'r', ts: 1, level: 'info', message: 'm' };
    expect(frameEventsViolation(Array(LIMITS.frameMaxEvents).fill(small))).toBeNull();
    expect(frameEventsViolation(Array(LIMITS.frameMaxEvents + 1).fill(small))).toMatch(/^a frame of 101 events is over 100$/);
    expect(frameEventsViolation([small, { ...small, message: { a: { b: { c: 1 } } } }])).toBeNull();
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.eventMaxDepth; i++) deep = [deep];
    expect(frameEventsViolation([small, { ...small, input: deep }])).toBe(`event 2: an event nests deeper than ${LIMITS.eventMaxDepth} levels`);
    expect(frameTextViolation('x'.repeat(LIMITS.frameMaxBytes))).toBeNull();
    expect(frameTextViolation('é'.repeat(LIMITS.frameMaxBytes / 2))).toBeNull();
    expect(frameTextViolation('é'.repeat(LIMITS.frameMaxBytes / 2 + 1))).toBe(`a message over ${LIMITS.frameMaxBytes} bytes`);
    const frameText = (inputLevels: number) => `{"type":"frame","events":[{"type":"tool_call","input":${'['.repeat(inputLevels)}${']'.repeat(inputLevels)}}]}`;
    expect(frameTextViolation(frameText(LIMITS.eventMaxDepth - 1))).toBeNull();
    expect(frameTextViolation(frameText(LIMITS.eventMaxDepth))).toBe(`a message nests deeper than ${LIMITS.eventMaxDepth} levels inside its frame`);
  });
});
