/**
 * The app's own shortcuts, active while signed in: `n` new task, `j`/`k` next/previous attempt,
 * `/` the message box, `?` the help. Other keys (the diff viewer's `u`) register themselves
 * through `registerShortcut`.
 */
import { useEffect } from 'preact/hooks';
import { focusAttempt, focusMessageBox } from '../lib/attempt-focus.ts';
import { useNavigate } from '../lib/router.ts';
import { registerShortcut, startShortcuts } from '../lib/shortcuts.ts';
import { helpOpen } from '../state/shell.ts';

export function AppShortcuts() {
  const navigate = useNavigate();
  useEffect(() => {
    const off = [
      startShortcuts(),
      registerShortcut({ key: 'n', run: () => navigate('/tasks/new') }),
      registerShortcut({ key: 'j', run: () => focusAttempt(1) }),
      registerShortcut({ key: 'k', run: () => focusAttempt(-1) }),
      registerShortcut({ key: '/', run: () => focusMessageBox() }),
      registerShortcut({ key: '?', run: () => { helpOpen.value = true; } }),
    ];
    return () => off.forEach((f) => f());
  }, []);
  return null;
}
