/**
 * The diff layout (unified or split), shared by every diff on the page and remembered across
 * visits, and its keyboard shortcut: `u` toggles it while a diff or a comparison is on screen.
 * The key goes through the app's shortcut registry (lib/shortcuts.ts), which already leaves
 * alone keys typed into fields, keys with modifiers and keys while a dialog is open.
 */
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { registerShortcut } from './shortcuts.ts';

export type DiffMode = 'unified' | 'split';
const KEY = 'dursor.diffMode';

function stored(): DiffMode {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'split' ? 'split' : 'unified';
  } catch {
    return 'unified';
  }
}

export const diffMode = signal<DiffMode>(stored());

export function setDiffMode(mode: DiffMode): void {
  diffMode.value = mode;
  try {
    globalThis.localStorage?.setItem(KEY, mode);
  } catch {
    // Storage can be off (private mode); the choice then lasts for this page only.
  }
}

export const toggleDiffMode = (): void => setDiffMode(diffMode.peek() === 'unified' ? 'split' : 'unified');

let holders = 0;
let unregister: (() => void) | null = null;

/**
 * Claims `u` in the app's shortcut registry while at least one diff is mounted; returns the
 * release. Ref-counted, so two diffs on a page still make one entry (one toggle per key press).
 */
export function acquireDiffShortcut(): () => void {
  if (holders++ === 0) unregister = registerShortcut({ key: 'u', run: toggleDiffMode, description: 'Toggle unified/split diff' });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      unregister?.();
      unregister = null;
    }
  };
}

/** Call from each diff-showing component. */
export function useDiffShortcut(): void {
  useEffect(acquireDiffShortcut, []);
}
