import { describe, expect, it } from 'vitest';
import { RUN_STATUSES, isLeased, isTerminal, transition } from '../src/run-status.ts';

describe('run status transitions', () => {
  it('follows the happy path', () => {
    const path = ['queued', 'assigned', 'preparing', 'running', 'finishing', 'succeeded'] as const;
    for (let i = 1; i < path.length; i++) expect(transition(path[i - 1], path[i])).toEqual({ ok: true, status: path[i] });
  });

  it('never leaves a terminal state', () => {
    for (const from of ['succeeded', 'failed', 'cancelled'] as const)
      for (const to of RUN_STATUSES) expect(transition(from, to).ok).toBe(false);
  });

  it('re-queues or fails a lost run, and a lost run only comes from a leased state', () => {
    expect(transition('lost', 'queued').ok).toBe(true);
    expect(transition('lost', 'failed').ok).toBe(true);
    expect(transition('lost', 'running').ok).toBe(false);
    for (const from of RUN_STATUSES) expect(transition(from, 'lost').ok).toBe(isLeased(from));
  });

  it('lets a declined assignment go back to the queue but nothing later', () => {
    expect(transition('assigned', 'queued').ok).toBe(true);
    expect(transition('running', 'queued').ok).toBe(false);
  });

  it('refuses going backwards and same-state changes', () => {
    expect(transition('running', 'preparing')).toEqual({ ok: false, reason: 'illegal run transition running → preparing' });
    expect(transition('running', 'running').ok).toBe(false);
    expect(transition('queued', 'running').ok).toBe(false);
  });

  it('classifies terminal and leased states', () => {
    expect(RUN_STATUSES.filter(isTerminal)).toEqual(['succeeded', 'failed', 'cancelled']);
    expect(RUN_STATUSES.filter(isLeased)).toEqual(['assigned', 'preparing', 'running', 'finishing']);
  });
});
