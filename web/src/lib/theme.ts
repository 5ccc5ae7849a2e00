/**
 * Light and dark theme: `data-theme` on <html> selects the CSS variables in styles.css. With no
 * saved choice the theme follows the system (`prefers-color-scheme`, live); the toggle saves the
 * user's choice in localStorage. index.html sets the attribute before the first paint with the
 * same rule, so a dark-system user never sees a white flash.
 */
import { signal } from '@preact/signals';

export type Theme = 'light' | 'dark';

export const THEME_KEY = 'dursor.theme';

/** The saved choice wins; anything else in storage counts as no choice. */
export function resolveTheme(saved: string | null, systemDark: boolean): Theme {
  if (saved === 'light' || saved === 'dark') return saved;
  return systemDark ? 'dark' : 'light';
}

export const theme = signal<Theme>('light');

function readSaved(): string | null {
  try {
    return localStorage.getItem(THEME_KEY);
  } catch {
    return null; // storage blocked (privacy mode): follow the system
  }
}

function apply(t: Theme): void {
  theme.value = t;
  document.documentElement.dataset.theme = t;
}

export function startTheme(): void {
  const media = matchMedia('(prefers-color-scheme: dark)');
  apply(resolveTheme(readSaved(), media.matches));
  media.addEventListener('change', (e) => {
    if (readSaved() === null) apply(e.matches ? 'dark' : 'light');
  });
  // Another tab toggled: follow it.
  addEventListener('storage', (e) => {
    if (e.key === THEME_KEY) apply(resolveTheme(e.newValue, media.matches));
  });
}

export function setTheme(t: Theme): void {
  apply(t);
  try {
    localStorage.setItem(THEME_KEY, t);
  } catch {
    // Not saved; the choice still holds for this page.
  }
}
