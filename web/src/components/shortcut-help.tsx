/**
 * The keyboard shortcut help (`?`, or the top bar's "?" button): a modal <dialog> listing every
 * shortcut, including keys other modules registered. Esc, Close or a click outside closes it, and
 * focus goes back to where it was.
 */
import { useEffect, useRef } from 'preact/hooks';
import { SHORTCUT_HELP, shortcuts } from '../lib/shortcuts.ts';
import { helpOpen } from '../state/shell.ts';

export function ShortcutHelp() {
  return helpOpen.value ? <HelpDialog /> : null;
}

function HelpDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = ref.current!;
    dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const close = () => { helpOpen.value = false; };
  const named = new Set(SHORTCUT_HELP.flatMap((s) => s.keys));
  const extra = shortcuts.described().filter((s) => !named.has(s.key)).map((s) => ({ keys: [s.key], description: s.description }));
  return (
    // The dialog itself is only hit by clicks on its backdrop: the content fills it.
    <dialog ref={ref} class="shortcut-help" role="dialog" aria-modal="true" aria-labelledby="shortcut-help-title"
      data-testid="shortcut-help" onClose={close} onClick={(e) => { if (e.target === e.currentTarget) close(); }}>
      <div class="dialog-body">
        <header class="dialog-head">
          <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
          <button type="button" class="secondary small" onClick={close}>Close</button>
        </header>
        <dl class="shortcut-keys">
          {[...SHORTCUT_HELP, ...extra].map((s) => (
            <div key={s.keys.join()}>
              <dt>{s.keys.map((k) => <kbd key={k}>{k}</kbd>)}</dt>
              <dd>{s.description}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">Shortcuts are off while you type in a field or hold Ctrl, ⌘ or Alt.</p>
      </div>
    </dialog>
  );
}
