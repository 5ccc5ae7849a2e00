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

  it('chooses the winner and shows a follow-up round at once', async () => {
    const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const task = { id: 't1', repoId: 'r', baseRef: 'main', title: 'x', status: 'done', budgetUsd: null, usage, issue: null, winnerRunId: null, createdAt: 1, updatedAt: 1 };
    const run = (id: string) => ({
      id, taskId: 't1', messageId: 'm1', executor: 'patch-agent', modelProfileId: 'p1', attempt: 1, status: 'succeeded', branch: `dursor/t1/${id}`,
      baseCommit: null, headCommit: null, stats: { files: 0, additions: 0, deletions: 0 }, files: [], summary: null, error: null, runnerId: null,
      retries: 0, parentRunId: null, retryOfRunId: null, usage, budgetUsd: null, timings: { wallMs: null, ttftMs: null }, createdAt: 1, startedAt: null, finishedAt: null,
    });
    const message = (id: string) => ({ id, taskId: 't1', role: 'user', content: id, runId: null, createdAt: 1 });
    const posted: string[] = [];
    configureApi({
      fetch: (async (url: string, init: RequestInit) => {
        if (init.method === 'POST') {
          posted.push(`${url} ${init.body as string}`);
          return new Response(JSON.stringify({ task: { ...task, winnerRunId: 'r1' } }));
        }
        return new Response(JSON.stringify({ task, messages: [message('m1')], runs: [run('r1')] }));
      }) as typeof fetch,
    });
    store = new TaskStore('t1');
    await store.detail.load();
    await store.chooseWinner('r1');
    expect(posted).toEqual(['/v1/tasks/t1/winner {"runId":"r1"}']);
    expect(store.detail.state.value.data?.task.winnerRunId).toBe('r1');

    store.addRound(message('m2') as never, [run('r2'), run('r1')] as never);
    store.addRound(message('m2') as never, [run('r2')] as never);
    const d = store.detail.state.value.data!;
    expect(d.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(d.runs.map((r) => r.id)).toEqual(['r1', 'r2']);
  });
});
