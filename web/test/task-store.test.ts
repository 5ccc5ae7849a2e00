/** The open-task store applies each socket message as one signals batch and drops replayed events. */
import { effect } from '@preact/signals';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../protocol/src/index.ts';
import { configureApi } from '../src/lib/api.ts';
import { TaskStore } from '../src/state/task-store.ts';

const text = (seq: number, runId: string, t: string): StoredEvent => ({ type: 'text', runId, ts: seq, text: t, seq });
let store: TaskStore | null = null;
afterEach(() => {
  store?.close();
  configureApi({ fetch: undefined });
});

describe('TaskStore', () => {
  it('re-renders once per socket message, however many events and runs it carries', () => {
    // Unknown runs make the store refresh the task; answer that without a server.
    configureApi({ fetch: (async () => new Response('{}', { status: 404 })) as typeof fetch });
    store = new TaskStore('t1');
    const s = store;
    let renders = 0;
    const seen: string[] = [];
    const stop = effect(() => {
      renders++;
      seen.push(`${s.view('r1').value.text}|${s.view('r2').value.text}`);
    });
    s.onEvents([text(1, 'r1', 'a'), text(2, 'r2', 'x'), text(3, 'r1', 'b'), text(4, 'r2', 'y')]);
    expect(renders).toBe(2);
    expect(seen.at(-1)).toBe('ab|xy');
    s.onEvents([text(4, 'r2', 'dup'), text(5, 'r1', 'c')]);
    expect(renders).toBe(3);
    expect(seen.at(-1)).toBe('abc|xy');
    s.onEvents([text(2, 'r2', 'old')]);
    expect(renders).toBe(3);
    stop();
  });
});
