import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.ts';

describe('backoff', () => {
  it('is full-jitter exponential from 250 ms, capped at 15 s', () => {
    const max = new Backoff({ random: () => 0.999999 });
    const delays = Array.from({ length: 10 }, () => max.next());
    expect(delays).toEqual([249, 499, 999, 1999, 3999, 7999, 14999, 14999, 14999, 14999]);
    const min = new Backoff({ random: () => 0 });
    expect(min.next()).toBe(0);
    const half = new Backoff({ random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([125, 250, 500]);
  });

  it('resets only after a connection stayed up long enough', () => {
    let now = 0;
    const b = new Backoff({ random: () => 0.999999, now: () => now, stableMs: 10_000 });
    b.next();
    b.next();
    b.connected();
    now += 500; // dropped quickly: keep growing
    expect(b.next()).toBe(999);
    b.connected();
    now += 10_000; // stable: start over
    expect(b.next()).toBe(249);
    expect(b.attempt).toBe(1);
    b.reset();
    expect(b.attempt).toBe(0);
  });
});
