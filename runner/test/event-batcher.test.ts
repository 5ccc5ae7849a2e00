import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../protocol/src/index.ts';
import { EventBatcher, cutText } from '../src/event-batcher.ts';

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
