import { afterEach, describe, expect, it } from 'vitest';
import { acquireDiffShortcut, diffMode, setDiffMode } from '../src/lib/diff-prefs.ts';
import { shortcuts } from '../src/lib/shortcuts.ts';

const press = (key: string, extra: Record<string, unknown> = {}) =>
  shortcuts.dispatch({ key, ctrlKey: false, metaKey: false, altKey: false, target: { tagName: 'BODY' }, ...extra });

describe('the u shortcut', () => {
  afterEach(() => setDiffMode('unified'));

  it('toggles unified/split only while a diff holds it, once per press however many diffs are open', () => {
    expect(press('u')).toBe(false);
    const releaseA = acquireDiffShortcut();
    const releaseB = acquireDiffShortcut();
    expect(press('u')).toBe(true);
    expect(diffMode.value).toBe('split');
    expect(press('U')).toBe(true);
    expect(diffMode.value).toBe('unified');
    releaseA();
    releaseA(); // a second release of the same claim does nothing
    expect(press('u')).toBe(true);
    expect(diffMode.value).toBe('split');
    releaseB();
    expect(press('u')).toBe(false);
    expect(diffMode.value).toBe('split');
  });

  it('leaves keys typed into fields or pressed with a modifier alone', () => {
    const release = acquireDiffShortcut();
    try {
      expect(press('u', { target: { tagName: 'TEXTAREA' } })).toBe(false);
      expect(press('u', { target: { tagName: 'INPUT' } })).toBe(false);
      expect(press('u', { ctrlKey: true })).toBe(false);
      expect(press('u', { metaKey: true })).toBe(false);
      expect(diffMode.value).toBe('unified');
    } finally {
      release();
    }
  });
});
