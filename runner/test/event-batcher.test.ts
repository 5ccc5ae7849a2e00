import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS, eventBytes, frameEventsViolation, frameTextViolation, type RunEvent, type RunResult } from '../../protocol/src/index.ts';
import { EventBatcher } from '../src/event-batcher.ts';
import { cutText } from '../src/event-fit.ts';

const log = (i: number): RunEvent => ({ runId: 'r', ts: 1, type: 'log', level: 'info', message: `m${i}` });

describe('event batcher', () => {
  let frames: RunEvent[][];
  beforeEach(() => {
    vi.useFakeTimers();
    frames = [];
  });
  afterEach(() => vi.useRealTimers());

  it('flushes ≤100 ms after the first pending event', () => {
    const b = new EventBatcher({ send: (e) => frames.push(e) });
    b.push(log(1));
    vi.advanceTimersByTime(60);
    b.push(log(2));
    vi.advanceTimersByTime(39);
    expect(frames).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(frames).toEqual([[log(1), log(2)]]);
    vi.advanceTimersByTime(1000);
    expect(frames).toHaveLength(1);
  });

  it('flushes at 100 events without waiting', () => {
    const b = new EventBatcher({ send: (e) => frames.push(e) });
    for (let i = 0; i < 250; i++) b.push(log(i));
    expect(frames.map((f) => f.length)).toEqual([100, 100]);
    b.flush();
    expect(frames.map((f) => f.length)).toEqual([100, 100, 50]);
    expect(frames.flat().map((e) => (e as { message: string }).message)).toEqual(Array.from({ length: 250 }, (_, i) => `m${i}`));
  });

  it('keeps every frame under the byte budget', () => {
    const b = new EventBatcher({ send: (e) => frames.push(e), maxBytes: 1000 });
    const big = (i: number): RunEvent => ({ runId: 'r', ts: 1, type: 'tool_result', callId: `c${i}`, output: 'x'.repeat(300), isError: false });
    for (let i = 0; i < 7; i++) b.push(big(i));
    b.flush();
    for (const f of frames) expect(Buffer.byteLength(JSON.stringify(f))).toBeLessThanOrEqual(1000);
    expect(frames.flat()).toHaveLength(7);
  });

  it('cuts long text at the per-event cap and merges streamed text pieces', () => {
    const b = new EventBatcher({ send: (e) => frames.push(e), maxTextBytes: 100 });
    b.push({ runId: 'r', ts: 1, type: 'tool_result', callId: 'c', output: 'é'.repeat(200), isError: false });
    b.push({ runId: 'r', ts: 1, type: 'text', text: 'Hel' });
    b.push({ runId: 'r', ts: 2, type: 'text', text: 'lo' });
    b.flush();
    const [result, text] = frames[0] as [Extract<RunEvent, { type: 'tool_result' }>, Extract<RunEvent, { type: 'text' }>];
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(100);
    expect(result.output).toMatch(/^é+ … \[cut 300 bytes\]$/);
    expect(text.text).toBe('Hello');
    expect(frames[0]).toHaveLength(2);
  });

  it('cutText never splits a multi-byte character', () => {
    for (let n = 30; n < 40; n++) expect(cutText('日本語'.repeat(20), n)).not.toContain('\uFFFD');
    expect(cutText('short', 100)).toBe('short');
  });
});

/**
 * The batcher keeps the run socket's promises (issue 11) whatever an agent emits: TaskRoom refuses
 * a whole frame that breaks one, so every frame here is checked with TaskRoom's own checks.
 */
describe('event batcher: the limits TaskRoom enforces', () => {
  const runId = 'run-1';
  let frames: RunEvent[][];
  const batcher = () => new EventBatcher({ send: (e) => frames.push(e) });
  beforeEach(() => {
    frames = [];
  });
  /** Every frame as the run socket would send it passes TaskRoom's checks. */
  const expectFramesKeepPromises = () => {
    for (const [i, events] of frames.entries()) {
      expect(frameTextViolation(JSON.stringify({ type: 'frame', frame: i + 1, events }))).toBeNull();
      expect(frameEventsViolation(events)).toBeNull();
    }
  };
  const result = (extra: Partial<RunResult>): RunEvent => ({
    type: 'result', runId, ts: 1, result: { outcome: 'succeeded', branch: 'dursor/t/r', files: [], stats: { files: 0, additions: 0, deletions: 0 }, ...extra },
  });

  it('splits 15,000 events into frames of at most LIMITS.frameMaxEvents, in order', () => {
    const b = batcher();
    for (let i = 0; i < 15_000; i++) b.push({ type: 'log', runId, ts: 1, level: 'info', message: `m${i}` });
    b.flush();
    expect(Math.max(...frames.map((f) => f.length))).toBe(LIMITS.frameMaxEvents);
    expect(frames.flat().map((e) => (e.type === 'log' ? e.message : ''))).toEqual(Array.from({ length: 15_000 }, (_, i) => `m${i}`));
    expectFramesKeepPromises();
  });

  it('replaces a tool input nested deeper than LIMITS.eventMaxDepth (400,000 levels) with a preview', () => {
    let deep: unknown = [];
    for (let i = 0; i < 400_000; i++) deep = [deep];
    let allowed: unknown = 'leaf';
    for (let i = 0; i < LIMITS.eventMaxDepth - 1; i++) allowed = { k: allowed };
    const b = batcher();
    b.push({ type: 'tool_call', runId, ts: 1, callId: 'c1', name: 'edit', input: deep });
    b.push({ type: 'tool_call', runId, ts: 1, callId: 'c2', name: 'edit', input: allowed });
    b.flush();
    expect(frames.flat()).toEqual([
      { type: 'tool_call', runId, ts: 1, callId: 'c1', name: 'edit', input: { truncated: true, preview: `[input nested deeper than ${LIMITS.eventMaxDepth - 1} levels]` } },
      { type: 'tool_call', runId, ts: 1, callId: 'c2', name: 'edit', input: allowed },
    ]);
    expectFramesKeepPromises();
  });

  it('counts text as the JSON it is sent as: a frame is over its byte budget by one streamed piece at most', () => {
    const b = batcher();
    // A control character is 1 byte of text and 6 of JSON (\u0001); pieces merge up to the text cap.
    const piece = '\u0001'.repeat(16 * 1024);
    for (let i = 0; i < 200; i++) b.push({ type: 'text', runId, ts: 1, text: piece });
    b.flush();
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) expect(eventBytes(f)).toBeLessThanOrEqual(LIMITS.batchMaxBytes + eventBytes(piece) + 1024);
    expectFramesKeepPromises();
  });

  it('sends a result over LIMITS.eventMaxBytes with its patch cut on a file boundary, its outcome intact', () => {
    // 1,000 files of ~1 KiB whose quotes double when escaped: ~2 MB of JSON.
    const sections = Array.from({ length: 1000 }, (_, i) => `diff --git a/f${i} b/f${i}\n+${'"'.repeat(1000)}\n`);
    const b = batcher();
    b.push(result({ patch: sections.join(''), files: [{ path: 'f0', status: 'added', additions: 1, deletions: 0 }], stats: { files: 1000, additions: 1000, deletions: 0 } }));
    b.flush();
    const [sent] = frames.flat() as [Extract<RunEvent, { type: 'result' }>];
    expect(sent.result).toMatchObject({ outcome: 'succeeded', branch: 'dursor/t/r', patchTruncated: true, stats: { files: 1000 } });
    const kept = sent.result.patch!.split(/(?=^diff --git )/m);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept).toEqual(sections.slice(0, kept.length));
    expect(eventBytes(sent)).toBeGreaterThan(LIMITS.eventMaxBytes - 4096);
    expectFramesKeepPromises();
  });

  it('cuts the file list of a result too long to send, and keeps the stats', () => {
    const files = Array.from({ length: 20_000 }, (_, i) => ({ path: `src/a/very/long/path/to/generated/file-${i}.ts`, status: 'added' as const, additions: 1, deletions: 0 }));
    const b = batcher();
    b.push(result({ files, stats: { files: 20_000, additions: 20_000, deletions: 0 } }));
    b.flush();
    const [sent] = frames.flat() as [Extract<RunEvent, { type: 'result' }>];
    expect(sent.result.files.length).toBeGreaterThan(1000);
    expect(sent.result.files).toEqual(files.slice(0, sent.result.files.length));
    expect(sent.result.stats.files).toBe(20_000);
    expectFramesKeepPromises();
  });

  it('turns an event that cannot be made to fit into a warning that says so', () => {
    const b = batcher();
    b.push({ type: 'tool_result', runId, ts: 1, callId: 'x'.repeat(LIMITS.eventMaxBytes), output: 'ok', isError: false });
    b.flush();
    expect(frames.flat()).toEqual([{ type: 'log', runId, ts: 1, level: 'warn', message: expect.stringMatching(/^dropped a tool_result event: an event of \d+ bytes is over 786432$/) }]);
    expectFramesKeepPromises();
  });
});
