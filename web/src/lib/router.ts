/**
 * The app's addresses, as one table that both the `<Router>` in app.tsx (preact-iso) and the pure
 * `matchRoute` (unit-tested) read, so what the tests check is what the app routes. Order matters:
 * preact-iso takes the first match, so `/tasks/new` comes before `/tasks/:id`.
 *
 * preact-iso's `LocationProvider` owns the address: it listens to clicks on same-origin links
 * (a plain left click without a target navigates in place; modified clicks open tabs as usual) and
 * to popstate, and `useLocation().route(url, replace)` navigates from code.
 */
import { useLocation } from 'preact-iso';
import { exec } from 'preact-iso/router';

export const ROUTES = {
  home: '/',
  /** `/settings` (the first section) and `/settings/<section>`; a bare `/settings#<section>` is canonicalised by the page. */
  settings: '/settings/:section?',
  newTask: '/tasks/new',
  task: '/tasks/:id',
} as const;

export type Route =
  | { name: 'home' }
  /** section: the part after /settings/ (null for /settings itself). */
  | { name: 'settings'; section: string | null }
  | { name: 'new-task' }
  | { name: 'task'; id: string }
  | { name: 'not-found'; path: string };

const match = (path: string, pattern: string) => exec(path, pattern, { path, query: {}, params: {} }) as { params: Record<string, string | undefined> } | undefined;

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (match(path, ROUTES.home)) return { name: 'home' };
  const settings = match(path, ROUTES.settings);
  if (settings) return { name: 'settings', section: settings.params.section ?? null };
  if (match(path, ROUTES.newTask)) return { name: 'new-task' };
  const task = match(path, ROUTES.task);
  if (task?.params.id) return { name: 'task', id: task.params.id };
  return { name: 'not-found', path };
}

export const taskPath = (id: string): string => `/tasks/${encodeURIComponent(id)}`;

/** Navigation from code (after a submit, a shortcut): a push, or a replace; the current address is left alone. */
export function useNavigate(): (to: string, opts?: { replace?: boolean }) => void {
  const { route } = useLocation();
  return (to, opts = {}) => {
    if (to !== location.pathname + location.search + location.hash) route(to, opts.replace === true);
  };
}
