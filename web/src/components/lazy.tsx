/**
 * Code splitting on preact-iso's `lazy` (its module cache and `preload()`), in two shapes:
 *
 * - `lazyRoute`: a page in the `<Router>` (app.tsx). While its chunk loads the Router keeps the
 *   page that was there, so navigating never flashes an empty screen. A chunk that fails to load
 *   (say, a deploy replaced it) renders a "reload the page" notice instead of nothing.
 * - `lazy`: a part of a page (diff viewer, PR panel, GitHub pieces). A part needs what a route does
 *   not: a Loading line in its place while the chunk comes, and a failed chunk shown with a retry.
 *   Its arrival is a signal, not an effect, so a module landing between a render and that render's
 *   effect still re-renders every part that showed Loading (the race the hand-written version had).
 */
import type { ComponentType, FunctionComponent } from 'preact';
import { signal } from '@preact/signals';
import { lazy as isoLazy } from 'preact-iso';
import { errorMessage } from '../lib/api.ts';
import { LoadError, Loading } from './ui.tsx';

export type LazyComponent<P extends object> = FunctionComponent<P> & {
  /** Starts loading the chunk now (e.g. when a page that will need it mounts); errors wait for render. */
  preload(): void;
};

type ChunkState = 'waiting' | 'ready' | { error: string };

export function lazy<P extends object>(load: () => Promise<ComponentType<P>>, what: string): LazyComponent<P> {
  let chunk = isoLazy(load);
  let pending: Promise<void> | null = null;
  const state = signal<ChunkState>('waiting');
  const start = (): void => {
    pending ??= chunk.preload().then(
      () => {
        state.value = 'ready';
      },
      (err: unknown) => {
        // preact-iso keeps a failed promise for good; a retry needs a fresh lazy().
        chunk = isoLazy(load);
        pending = null;
        state.value = { error: `Could not load this part of the page: ${errorMessage(err)}` };
      },
    );
  };
  const Lazy = function Lazy(props: P) {
    const s = state.value;
    if (s === 'ready') {
      const C = chunk;
      return <C {...props} />;
    }
    if (s !== 'waiting') return <LoadError message={s.error} onRetry={() => { state.value = 'waiting'; start(); }} />;
    start();
    return <Loading what={what} />;
  };
  return Object.assign(Lazy, { preload: start });
}

/** A routed page in its own chunk; see the header for what happens while it loads or when it fails. */
export function lazyRoute<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  return isoLazy(() => load().catch((err: unknown): ComponentType<P> => function ChunkFailed() {
    return (
      <div class="page">
        <LoadError message={`Could not load this page: ${errorMessage(err)}`} onRetry={() => location.reload()} />
      </div>
    );
  }));
}
