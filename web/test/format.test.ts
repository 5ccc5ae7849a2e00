import { describe, expect, it } from 'vitest';
import { formatDuration, formatElapsed, formatTokens, formatUsd, prettyInput, runnerCommand, summarizeInput } from '../src/lib/format.ts';
import { matchRoute } from '../src/lib/router.ts';

describe('format', () => {
  it('formats elapsed time', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(7_900)).toBe('0:07');
    expect(formatElapsed(125_000)).toBe('2:05');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-5)).toBe('0:00');
  });

  it('summarises tool input by its most telling field, cut to a line', () => {
    expect(summarizeInput({ path: 'src/a.ts', content: 'x'.repeat(999) })).toBe('path: src/a.ts');
    expect(summarizeInput({ pattern: 'TODO' })).toBe('pattern: TODO');
    expect(summarizeInput({ a: 1 })).toBe('{"a":1}');
    expect(summarizeInput('line one\nline two')).toBe('line one line two');
    expect(summarizeInput(null)).toBe('');
    expect(summarizeInput({ path: 'p'.repeat(200) }, 20)).toHaveLength(20);
  });

  it('cuts huge inputs in the expanded view', () => {
    expect(prettyInput('y'.repeat(5000), 100)).toMatch(/^y{100}\n… \(4900 more characters\)$/);
  });

  it('formats token counts', () => {
    expect(formatTokens(999)).toBe('999');
    expect(formatTokens(1234)).toBe('1.2k');
    expect(formatTokens(45_000)).toBe('45k');
    expect(formatTokens(2_500_000)).toBe('2.5M');
  });

  it('prints the exact runner command', () => {
    expect(runnerCommand('https://dursor.example.com', 'rt_abc')).toBe('npm run runner -- --url https://dursor.example.com --token rt_abc');
  });
});

describe('router', () => {
  it('matches the app routes', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/settings/')).toEqual({ name: 'settings', section: null });
    expect(matchRoute('/settings/repositories')).toEqual({ name: 'settings', section: 'repositories' });
    expect(matchRoute('/settings/a/b')).toEqual({ name: 'not-found', path: '/settings/a/b' });
    expect(matchRoute('/tasks/new')).toEqual({ name: 'new-task' });
    expect(matchRoute('/tasks/t%201')).toEqual({ name: 'task', id: 't 1' });
    expect(matchRoute('/tasks/a/b')).toEqual({ name: 'not-found', path: '/tasks/a/b' });
  });
});

describe('costs and durations', () => {
  it('keeps sub-cent costs readable', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.00042)).toBe('$0.00042');
    expect(formatUsd(1.275)).toBe('$1.27');
  });
  it('scales durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(3_240)).toBe('3.2 s');
    expect(formatDuration(125_000)).toBe('2:05');
  });
});
