/**
 * Single-key keyboard shortcuts: a registry any module can add to (`registerShortcut`, e.g. the
 * diff viewer's `u`), the rule for when a key press is not a shortcut (typing in a field, a
 * modifier held, an IME composing, a modal open), and the one window listener that dispatches.
 * The rules are pure and take plain objects, so they are unit-tested on Node.
 */

/** The parts of a KeyboardEvent the rules read (a real event satisfies it). */
export type KeyLike = {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
  getModifierState?: (key: string) => boolean;
  target?: unknown;
};

/** Returns false when it did not apply (e.g. `u` with no diff open), so an older handler may. */
export type ShortcutHandler = (e: KeyLike) => boolean | void;

export type Shortcut = { key: string; run: ShortcutHandler; description?: string };

/** What the help overlay lists, including keys whose handler registers later (`u`, from the diff viewer). */
export const SHORTCUT_HELP: readonly { keys: string[]; description: string }[] = [
  { keys: ['n'], description: 'New task' },
  { keys: ['j'], description: 'Next attempt' },
  { keys: ['k'], description: 'Previous attempt' },
  { keys: ['u'], description: 'Toggle unified/split diff (when a diff is open)' },
  { keys: ['/'], description: 'Focus the message box' },
  { keys: ['?'], description: 'Show keyboard shortcuts' },
  { keys: ['Esc'], description: 'Close this help' },
];

const EDITABLE_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** Whether the key press belongs to something else: a field being typed in, a modified key, an IME. */
export function isIgnored(e: KeyLike): boolean {
  if (e.defaultPrevented || e.isComposing || e.key === 'Process') return true;
  // AltGr arrives as Ctrl+Alt on Windows; the character it types is still a plain key.
  const altGraph = e.getModifierState?.('AltGraph') === true;
  if (e.metaKey || (!altGraph && (e.ctrlKey || e.altKey))) return true;
  return isEditable(e.target);
}

export function isEditable(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as { tagName?: unknown; isContentEditable?: unknown };
  return el.isContentEditable === true || (typeof el.tagName === 'string' && EDITABLE_TAGS.has(el.tagName.toUpperCase()));
}

/** The key as registered: letters without Shift match either case (Caps Lock on); others exactly. */
export function normalizeKey(key: string): string {
  return key.length === 1 ? key.toLowerCase() : key;
}

export class ShortcutRegistry {
  private readonly list: Shortcut[] = [];

  /** Adds a handler; the newest handler of a key runs first. Returns the function that removes it. */
  register(shortcut: Shortcut): () => void {
    const entry = { ...shortcut, key: normalizeKey(shortcut.key) };
    this.list.push(entry);
    return () => {
      const i = this.list.indexOf(entry);
      if (i >= 0) this.list.splice(i, 1);
    };
  }

  /** Runs the matching handler (newest first); true when one took the key. */
  dispatch(e: KeyLike): boolean {
    if (isIgnored(e)) return false;
    // '?' is Shift+/ and must not match '/': only single letters fold case.
    const key = /^[A-Za-z]$/.test(e.key) ? e.key.toLowerCase() : e.key;
    for (let i = this.list.length - 1; i >= 0; i--) {
      const s = this.list[i];
      if (s.key === key && s.run(e) !== false) return true;
    }
    return false;
  }

  /** Registered keys with their descriptions, for keys the help list does not name yet. */
  described(): { key: string; description: string }[] {
    return this.list.flatMap((s) => (s.description ? [{ key: s.key, description: s.description }] : []));
  }
}

export const shortcuts = new ShortcutRegistry();

/** The app-wide registry's `register`: `registerShortcut({ key: 'u', run: () => toggle() })`. */
export function registerShortcut(shortcut: Shortcut): () => void {
  return shortcuts.register(shortcut);
}

/**
 * Listens on the window. While a modal dialog is open (the help overlay, a confirm) the page's
 * shortcuts stay off; the dialog handles its own keys.
 */
export function startShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (document.querySelector('dialog[open], [aria-modal="true"]')) return;
    if (shortcuts.dispatch(e)) e.preventDefault();
  };
  addEventListener('keydown', onKey);
  return () => removeEventListener('keydown', onKey);
}
