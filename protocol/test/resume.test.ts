/** Protocol 2's additions stay additive: version-1 assignments still parse, and `turn` / `resume` are bounded. */
import { describe, expect, it } from 'vitest';
import { Assignment, Frame, LIMITS, PROTOCOL_VERSION, RunEvent, TURN_EVENTS_PROTOCOL } from '../src/index.ts';

const v1Assignment = {
  runId: 'r1', taskId: 't1', assignment: 1, attempt: 1,
  repo: { cloneUrl: 'http://127.0.0.1:1/x.git', baseRef: 'main' }, branch: 'dursor/t1/r1', instruction: 'go',
  executor: { id: 'patch-agent', provider: 'openai', model: 'm', gatewayPath: '/v1/llm/openai' },
  runToken: 'drt_x', limits: { maxTurns: 3, maxTokens: 1000, maxFileBytes: 10 }, leaseMs: 30_000,
};
const call = { id: 'c1', name: 'write_file', args: '{"path":"a.txt","content":"a"}' };

describe('protocol 2: turn events and resume', () => {
  it('is the version that carries turn events', () => {
    expect(PROTOCOL_VERSION).toBeGreaterThanOrEqual(TURN_EVENTS_PROTOCOL);
    expect(LIMITS.turnEventMaxBytes).toBeLessThan(LIMITS.batchMaxBytes);
  });

  it('parses a version-1 assignment (no resume) and one with a resume', () => {
    expect(Assignment.parse(v1Assignment).resume).toBeUndefined();
    const a = Assignment.parse({ ...v1Assignment, resume: { turns: [{ text: 'Writing.', calls: [call], tokens: 12 }], baseCommit: 'abc' } });
    expect(a.resume?.turns[0].calls[0]).toEqual(call);
  });

  it('refuses a resume turn without calls (a turn without calls ends a run, so it is never resumed)', () => {
    expect(Assignment.safeParse({ ...v1Assignment, resume: { turns: [{ text: 'done', calls: [] }] } }).success).toBe(false);
  });

  it('carries a turn event in a frame, and its omitted form', () => {
    const turn = { type: 'turn', runId: 'r1', ts: 1, turn: 2, text: '', calls: [call], baseCommit: 'abc' };
    expect(Frame.parse({ type: 'frame', frame: 1, events: [turn] }).events[0]).toMatchObject({ type: 'turn', turn: 2 });
    expect(RunEvent.parse({ type: 'turn', runId: 'r1', ts: 1, turn: 3, text: '', calls: [], omitted: true })).toMatchObject({ omitted: true });
    expect(RunEvent.safeParse({ ...turn, turn: 0 }).success).toBe(false);
  });
});
