/** Top bar button switching light ↔ dark; the label says what a press will do. */
import { setTheme, theme } from '../lib/theme.ts';

export function ThemeToggle() {
  const dark = theme.value === 'dark';
  const label = dark ? 'Switch to light theme' : 'Switch to dark theme';
  return (
    <button type="button" class="secondary small icon-button" aria-label={label} title={label}
      onClick={() => setTheme(dark ? 'light' : 'dark')}>
      <span aria-hidden="true">{dark ? '☀' : '☾'}</span>
    </button>
  );
}
