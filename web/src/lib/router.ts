/**
 * A tiny router: the current path is a signal fed by history.pushState and popstate. Four
 * routes (Settings with a section each) do not justify a dependency. `matchRoute` is pure so it is unit-tested.
 */
import { signal } from '@preact/signals';

export type Route =
  | { name: 'home' }
  /** section: the part after /settings/ (null for /settings itself). */
  | { name: 'settings'; section: string | null }
  | { name: 'new-task' }
  | { name: 'task'; id: string }
  | { name: 'not-found'; path: string };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/settings') return { name: 'settings', section: null };
  const settings = /^\/settings\/([^/]+)$/.exec(path);
  if (settings) return { name: 'settings', section: decodeURIComponent(settings[1]) };
  if (path === '/tasks/new') return { name: 'new-task' };
  const m = /^\/tasks\/([^/]+)$/.exec(path);
  if (m) return { name: 'task', id: decodeURIComponent(m[1]) };
  return { name: 'not-found', path };
}

export const currentPath = signal(typeof location === 'undefined' ? '/' : location.pathname);

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  currentPath.value = location.pathname;
  window.scrollTo(0, 0);
}

export function startRouter(): void {
  addEventListener('popstate', () => {
    currentPath.value = location.pathname;
  });
}

/** Click handler for in-app links: plain left clicks navigate in place; modified clicks open tabs as usual. */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLAnchorElement | null);
  if (!a || a.target || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname);
}
