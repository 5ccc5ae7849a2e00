import { describe, expect, it } from 'vitest';
import type { RunEvent, StoredEvent } from '../../protocol/src/index.ts';
import { RunEvent as RunEventSchema } from '../../protocol/src/index.ts';
import { applyEvents, applyRunEvent, emptyRun, isActive, MAX_LOG_LINES, taskStatusOf } from '../src/state/task-model.ts';
import type { RunView } from '../src/state/task-model.ts';

const R = 'run-a';
let ts = 1_000;
function ev(e: Record<string, unknown>, runId = R): RunEvent {
  // Fixtures go through the protocol schema, so they are events the runner could really send.
  return RunEventSchema.parse({ runId, ts: (ts += 10), ...e });
}
function stored(seq: number, e: Record<string, unknown>, runId = R): StoredEvent {
  return { ...ev(e, runId), seq };
}
function fold(events: RunEvent[], start: RunView = emptyRun(R)): RunView {
  return events.reduce((v, e) => applyRunEvent(v, e), start);
}

describe('task model: one run', () => {
  it('follows status events and records start and finish times', () => {
    const v = fold([ev({ type: 'status', status: 'queued' }), ev({ type: 'status', status: 'assigned' }), ev({ type: 'status', status: 'running' })]);
    expect(v.status).toBe('running');
    expect(v.startedAt).not.toBeNull();
    expect(v.finishedAt).toBeNull();
    expect(isActive(v.status)).toBe(true);
  });

  it('concatenates streamed text and keeps tool calls in between, in order', () => {
    const v = fold([
      ev({ type: 'text', text: 'Look' }),
      ev({ type: 'text', text: 'ing at files.' }),
      ev({ type: 'tool_call', callId: 'c1', name: 'read_file', input: { path: 'a.ts' } }),
      ev({ type: 'tool_result', callId: 'c1', output: 'export {}', isError: false }),
      ev({ type: 'text', text: 'Done.' }),
    ]);
    expect(v.text).toBe('Looking at files.Done.');
    expect(v.timeline).toEqual([
      { kind: 'text', text: 'Looking at files.' },
      { kind: 'tool', callId: 'c1' },
      { kind: 'text', text: 'Done.' },
    ]);
    expect(v.toolCalls.c1).toMatchObject({ name: 'read_file', input: { path: 'a.ts' }, result: { output: 'export {}', isError: false } });
  });

  it('shows a tool result whose call it never saw', () => {
    const v = fold([ev({ type: 'tool_result', callId: 'x', output: 'boom', isError: true })]);
    expect(v.timeline).toEqual([{ kind: 'tool', callId: 'x' }]);
    expect(v.toolCalls.x.result).toEqual({ output: 'boom', isError: true });
  });

  it('sums usage events', () => {
    const v = fold([ev({ type: 'usage', inputTokens: 100, outputTokens: 20 }), ev({ type: 'usage', inputTokens: 50, outputTokens: 5 })]);
    expect(v.usage).toEqual({ inputTokens: 150, outputTokens: 25 });
  });

  it('keeps log lines, bounded', () => {
    const logs = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => ev({ type: 'log', level: i === 0 ? 'warn' : 'info', message: `line ${i}` }));
    const v = fold(logs);
    expect(v.logs).toHaveLength(MAX_LOG_LINES);
    expect(v.logs[0].message).toBe('line 5');
    expect(v.logs.at(-1)?.message).toBe(`line ${MAX_LOG_LINES + 4}`);
  });

  it('takes status, files, stats and patch from the result', () => {
    const v = fold([
      ev({ type: 'status', status: 'running' }),
      ev({ type: 'result', result: { outcome: 'succeeded', patch: 'diff --git a/x b/x\n', files: [{ path: 'x', status: 'added', additions: 1, deletions: 0 }], stats: { files: 1, additions: 1, deletions: 0 }, summary: 'Added x' } }),
    ]);
    expect(v.status).toBe('succeeded');
    expect(v.finishedAt).not.toBeNull();
    expect(v.result?.files[0].path).toBe('x');
    expect(v.result?.patch).toContain('diff --git');
    expect(isActive(v.status)).toBe(false);
  });

  it('gives a failed run its reason, from the result or the status event', () => {
    const a = fold([ev({ type: 'result', result: { outcome: 'failed', error: 'policy: .env may not be committed' } })]);
    expect(a.status).toBe('failed');
    expect(a.statusReason).toBe('policy: .env may not be committed');
    const b = fold([ev({ type: 'status', status: 'failed', reason: 'lease expired twice' })]);
    expect(b.statusReason).toBe('lease expired twice');
  });

  it('never leaves a terminal status for a late non-terminal one', () => {
    const v = fold([ev({ type: 'status', status: 'cancelled', reason: 'cancelled by user' }), ev({ type: 'status', status: 'running' })]);
    expect(v.status).toBe('cancelled');
    expect(v.statusReason).toBe('cancelled by user');
  });

  it('notes a lost run that is queued again', () => {
    const v = fold([ev({ type: 'status', status: 'running' }), ev({ type: 'status', status: 'lost' }), ev({ type: 'status', status: 'queued' })]);
    expect(v.status).toBe('queued');
    expect(v.timeline.at(-1)).toMatchObject({ kind: 'note' });
  });

  it('ignores a turn checkpoint (resume data, not shown): same view, seq advanced', () => {
    const before = fold([ev({ type: 'text', text: 'Looking.' }), ev({ type: 'tool_call', callId: 'c1', name: 'write_file', input: { path: 'a' } })]);
    const after = applyRunEvent(before, ev({ type: 'turn', turn: 1, text: 'Looking.', calls: [{ id: 'c1', name: 'write_file', args: '{"path":"a"}' }] }), 7);
    expect({ ...after, lastSeq: before.lastSeq }).toEqual(before);
    expect(after.lastSeq).toBe(7);
  });

  it('does not mutate its input', () => {
    const before = fold([ev({ type: 'text', text: 'a' })]);
    const snapshot = structuredClone(before);
    applyRunEvent(before, ev({ type: 'text', text: 'b' }));
    expect(before).toEqual(snapshot);
  });
});

describe('task model: a batch over several runs', () => {
  it('updates only the runs in the batch and advances the last seq', () => {
    const runs = new Map([['run-a', emptyRun('run-a')], ['run-c', emptyRun('run-c')]]);
    const { changed, lastSeq } = applyEvents(runs, [
      stored(1, { type: 'status', status: 'running' }, 'run-a'),
      stored(2, { type: 'text', text: 'hi' }, 'run-b'),
      stored(3, { type: 'text', text: ' there' }, 'run-a'),
    ], 0);
    expect(lastSeq).toBe(3);
    expect([...changed.keys()].sort()).toEqual(['run-a', 'run-b']);
    expect(changed.get('run-a')?.text).toBe(' there');
    expect(changed.get('run-a')?.lastSeq).toBe(3);
    expect(changed.get('run-b')?.text).toBe('hi');
  });

  it('drops events at or below the seq it already has (replay overlap)', () => {
    const first = applyEvents(new Map(), [stored(1, { type: 'text', text: 'a' }), stored(2, { type: 'text', text: 'b' })], 0);
    const second = applyEvents(first.changed, [stored(2, { type: 'text', text: 'b' }), stored(3, { type: 'text', text: 'c' })], first.lastSeq);
    expect(second.lastSeq).toBe(3);
    expect(second.changed.get(R)?.text).toBe('abc');
    const none = applyEvents(second.changed, [stored(1, { type: 'text', text: 'z' })], 3);
    expect(none.changed.size).toBe(0);
    expect(none.lastSeq).toBe(3);
  });
});

describe('taskStatusOf', () => {
  it('mirrors the rule TaskRoom writes to D1', () => {
    expect(taskStatusOf([])).toBe('idle');
    expect(taskStatusOf(['succeeded', 'running'])).toBe('running');
    expect(taskStatusOf(['succeeded', null])).toBe('running');
    expect(taskStatusOf(['failed', 'succeeded', 'cancelled'])).toBe('done');
    expect(taskStatusOf(['failed', 'cancelled'])).toBe('failed');
    // Every attempt cancelled (e.g. the only one): the task was cancelled, nothing failed.
    expect(taskStatusOf(['cancelled'])).toBe('cancelled');
    expect(taskStatusOf(['cancelled', 'cancelled'])).toBe('cancelled');
  });
});
