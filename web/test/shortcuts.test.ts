import { describe, expect, it, vi } from 'vitest';
import { stepIndex } from '../src/lib/attempt-focus.ts';
import { isEditable, isIgnored, SHORTCUT_HELP, ShortcutRegistry } from '../src/lib/shortcuts.ts';

const body = { tagName: 'BODY', isContentEditable: false };
const key = (k: string, extra: Record<string, unknown> = {}) => ({ key: k, target: body, ...extra });

describe('when a key press is not a shortcut', () => {
  it('typing in inputs, textareas, selects and contenteditable is ignored', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT', 'input']) expect(isIgnored(key('n', { target: { tagName } }))).toBe(true);
    expect(isIgnored(key('n', { target: { tagName: 'DIV', isContentEditable: true } }))).toBe(true);
    expect(isEditable({ tagName: 'BUTTON', isContentEditable: false })).toBe(false);
    expect(isEditable(null)).toBe(false);
    expect(isIgnored(key('n'))).toBe(false);
  });

  it('Ctrl, Meta or Alt held is ignored, Shift is not (? is Shift+/)', () => {
    expect(isIgnored(key('n', { ctrlKey: true }))).toBe(true);
    expect(isIgnored(key('n', { metaKey: true }))).toBe(true);
    expect(isIgnored(key('n', { altKey: true }))).toBe(true);
    expect(isIgnored(key('?', { shiftKey: true }))).toBe(false);
  });

  it('AltGr (Ctrl+Alt on Windows) types a character and still counts; an IME composing does not', () => {
    expect(isIgnored(key('/', { ctrlKey: true, altKey: true, getModifierState: (m: string) => m === 'AltGraph' }))).toBe(false);
    expect(isIgnored(key('n', { isComposing: true }))).toBe(true);
    expect(isIgnored(key('Process'))).toBe(true);
    expect(isIgnored(key('n', { defaultPrevented: true }))).toBe(true);
  });
});

describe('the registry', () => {
  it('runs the handler of the key and reports it took it; other keys fall through', () => {
    const r = new ShortcutRegistry();
    const n = vi.fn();
    r.register({ key: 'n', run: n });
    expect(r.dispatch(key('n'))).toBe(true);
    expect(r.dispatch(key('N'))).toBe(true); // Caps Lock
    expect(r.dispatch(key('m'))).toBe(false);
    expect(r.dispatch(key('n', { target: { tagName: 'TEXTAREA' } }))).toBe(false);
    expect(r.dispatch(key('n', { ctrlKey: true }))).toBe(false);
    expect(n).toHaveBeenCalledTimes(2);
  });

  it('keeps ? and / apart', () => {
    const r = new ShortcutRegistry();
    const slash = vi.fn();
    const help = vi.fn();
    r.register({ key: '/', run: slash });
    r.register({ key: '?', run: help });
    r.dispatch(key('?', { shiftKey: true }));
    expect(help).toHaveBeenCalledOnce();
    expect(slash).not.toHaveBeenCalled();
  });

  it('newest handler first; returning false hands the key to the older one; unregister removes it', () => {
    const r = new ShortcutRegistry();
    const calls: string[] = [];
    r.register({ key: 'u', run: () => { calls.push('old'); } });
    const off = r.register({ key: 'u', run: () => { calls.push('new'); return false; }, description: 'Toggle diff' });
    expect(r.dispatch(key('u'))).toBe(true);
    expect(calls).toEqual(['new', 'old']);
    expect(r.described()).toEqual([{ key: 'u', description: 'Toggle diff' }]);
    off();
    off(); // twice is harmless
    r.dispatch(key('u'));
    expect(calls).toEqual(['new', 'old', 'old']);
    expect(r.described()).toEqual([]);
  });

  it('a handler that declines makes the key unhandled (the browser keeps it)', () => {
    const r = new ShortcutRegistry();
    r.register({ key: '/', run: () => false });
    expect(r.dispatch(key('/'))).toBe(false);
  });

  it('the help lists every app key, u included', () => {
    const keys = SHORTCUT_HELP.flatMap((s) => s.keys);
    for (const k of ['n', 'j', 'k', 'u', '/', '?']) expect(keys).toContain(k);
  });
});

describe('next / previous attempt', () => {
  it('starts at the first (j) or last (k) card, then moves and stops at the ends', () => {
    expect(stepIndex(-1, 1, 3)).toBe(0);
    expect(stepIndex(-1, -1, 3)).toBe(2);
    expect(stepIndex(0, 1, 3)).toBe(1);
    expect(stepIndex(2, 1, 3)).toBe(2);
    expect(stepIndex(0, -1, 3)).toBe(0);
    expect(stepIndex(-1, 1, 0)).toBeNull();
  });
});
