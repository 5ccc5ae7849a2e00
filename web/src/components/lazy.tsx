/**
 * Code-split parts of a page (diff viewer, PR panel, GitHub pieces) on preact-iso's `lazy` (its
 * module cache and `preload()`), plus what a part needs that preact-iso leaves out: a Loading line
 * in its place while the chunk comes (preact-iso's suspension shows nothing), and a failed chunk
 * shown with a retry (preact-iso keeps a failed load for good). The arrival is a signal, not an
 * effect, so a module landing between a render and that render's effect still re-renders every
 * part that showed Loading (the race the hand-written version had).
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

