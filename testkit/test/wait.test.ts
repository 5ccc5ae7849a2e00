/** testkit's one `waitFor`: sync and async probes, retried errors, the wake signal, the bounded timeout. */
import { describe, expect, it } from 'vitest';
import { Changes } from '../src/changes.ts';
import { waitFor } from '../src/wait.ts';

describe('waitFor', () => {
  it('resolves with the first truthy value of a sync or an async probe', async () => {
    let n = 0;
    expect(await waitFor('n reaching 3', () => ++n >= 3 && n, 5_000, 1)).toBe(3);
    let m = 0;
    expect(await waitFor('an async answer', async () => (++m >= 2 ? 'ok' : ''), 5_000, 1)).toBe('ok');
  });

  it('tries a throwing probe again, and names it and its last error when time runs out', async () => {
    let calls = 0;
    expect(await waitFor('a flaky probe', () => {
      if (++calls < 3) throw new Error('not up yet');
      return 'up';
    }, 5_000, 1)).toBe('up');
    await expect(waitFor('the impossible', () => {
      throw new Error('still down');
    }, 50, 5)).rejects.toThrow('timed out after 50 ms waiting for the impossible: Error: still down');
  });

  it('re-checks at once on a change, long before its next poll', async () => {
    const changes = new Changes();
    let ready = false;
    const waiting = waitFor('a change', () => ready, 10_000, 60_000, changes);
    ready = true;
    changes.notify();
    expect(await waiting).toBe(true);
  });

  it('never runs two probes at once', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const changes = new Changes();
    const waiting = waitFor('a slow probe', async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return ++calls >= 4;
    }, 5_000, 1, changes);
    for (let i = 0; i < 20; i++) changes.notify();
    await waiting;
    expect(most).toBe(1);
  });
});
