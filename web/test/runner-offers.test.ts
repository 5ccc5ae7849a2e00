import { describe, expect, it } from 'vitest';
import { agentOptionLabel, agentWarning, isNoRunnerError, offeredAgents, offersSummary, queuedHint } from '../src/lib/runner-offers.ts';

const runner = (executors: string[], online = true, pool = 'default') => ({ executors, online, pool });

describe('agents the connected runners offer', () => {
  it('counts only online runners of the task pool', () => {
    const offered = offeredAgents([runner(['patch-agent', 'codex']), runner(['cursor-agent'], false), runner(['gemini-cli'], true, 'gpu')]);
    expect([...offered!].sort()).toEqual(['codex', 'patch-agent']);
    expect(offeredAgents(null)).toBeNull();
  });

  it('marks an agent no connected runner offers, and says so on its row and its queued card', () => {
    const offered = offeredAgents([runner(['patch-agent', 'claude-code'])]);
    expect(agentOptionLabel('cursor-agent', offered)).toBe('Cursor agent — no connected runner offers it');
    expect(agentOptionLabel('claude-code', offered)).toBe('Claude Code');
    expect(agentWarning('cursor-agent', offered)).toMatch(/^No connected runner offers Cursor agent/);
    expect(agentWarning('patch-agent', offered)).toBeNull();
    expect(offersSummary(offered)).toBe('Connected runners offer: Patch agent (dursor), Claude Code.');
    expect(queuedHint('cursor-agent', offered)).toMatch(/^Waiting: no connected runner offers Cursor agent/);
    expect(queuedHint('patch-agent', offered)).toBe('Waiting for a runner with a free slot…');
  });

  it('without a runner list promises nothing; with no runner at all says that', () => {
    expect(agentOptionLabel('cursor-agent', null)).toBe('Cursor agent');
    expect(agentWarning('cursor-agent', null)).toBeNull();
    expect(offersSummary(null)).toBeNull();
    expect(queuedHint('cursor-agent', null)).toBe('Waiting for a runner with a free slot…');
    expect(offersSummary(offeredAgents([]))).toMatch(/^No runner is connected/);
    expect(queuedHint('patch-agent', offeredAgents([runner(['patch-agent'], false)]))).toBe('Waiting for a runner: none is connected.');
  });

  it('recognises the TaskRoom’s reason for failing such an attempt', () => {
    expect(isNoRunnerError('no connected runner offers cursor-agent')).toBe(true);
    expect(isNoRunnerError('budget exceeded: run')).toBe(false);
    expect(isNoRunnerError(null)).toBe(false);
  });
});
