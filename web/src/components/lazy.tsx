/**
 * Code-split components without preact/compat: the module loads on first render (a Loading line
 * meanwhile), and a failed chunk load (say, after a deploy) shows the error with a retry instead of
 * a blank space. Keeps the GitHub and pull-request pieces out of the initial JS.
 */
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../lib/api.ts';
import { LoadError, Loading } from './ui.tsx';

export type LazyComponent<P extends object> = FunctionComponent<P> & {
  /** Starts loading the chunk now (e.g. when a page that will need it mounts); errors wait for render. */
  preload(): void;
};

export function lazy<P extends object>(load: () => Promise<FunctionComponent<P>>, what: string): LazyComponent<P> {
  let loaded: FunctionComponent<P> | null = null;
  let pending: Promise<FunctionComponent<P>> | null = null;
  const get = () => (pending ??= load().then((c) => (loaded = c), (err: unknown) => {
    pending = null;
    throw err;
  }));
  const Lazy = function Lazy(props: P) {
    const [, setReady] = useState(0);
    const [error, setError] = useState<string | null>(null);
    const [attempt, setAttempt] = useState(0);
    // What this render showed: a render that showed "Loading" must re-render once the module is
    // there, even when it arrived between the render and this effect (a preload makes that common).
    const C = loaded;
    useEffect(() => {
      if (C) return;
      let live = true;
      get().then(() => live && setReady((n) => n + 1), (err: unknown) => live && setError(`Could not load this part of the page: ${errorMessage(err)}`));
      return () => {
        live = false;
      };
    }, [attempt, C]);
    if (C) return <C {...props} />;
    if (error) return <LoadError message={error} onRetry={() => { setError(null); setAttempt((n) => n + 1); }} />;
    return <Loading what={what} />;
  };
  return Object.assign(Lazy, { preload: () => void get().catch(() => undefined) });
}
