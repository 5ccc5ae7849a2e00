/**
 * A GET tied to a component and a key (a repo id, a task id): refetched when the key changes,
 * its answer dropped if the key changed or the component left meanwhile, and `reload()` for a
 * retry button. For per-page lookups that are not shared lists (those are Resources).
 */
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from './api.ts';

export type Fetched<T> = { data: T | null; error: string | null; loading: boolean; reload: () => void; set: (data: T) => void };

export function useFetched<T>(key: string | null, fetcher: (signal: AbortSignal) => Promise<T>): Fetched<T> {
  const [state, setState] = useState<{ key: string | null; data: T | null; error: string | null }>({ key: null, data: null, error: null });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (key === null) return;
    const ctl = new AbortController();
    setState((s) => ({ key, data: s.key === key ? s.data : null, error: null }));
    fetcher(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ key, data, error: null }),
      (err: unknown) => !ctl.signal.aborted && setState((s) => ({ ...s, key, error: errorMessage(err) })),
    );
    return () => ctl.abort();
  }, [key, attempt]);
  const current = state.key === key;
  return {
    data: current ? state.data : null,
    error: current ? state.error : null,
    loading: key !== null && (!current || (state.data === null && state.error === null)),
    reload: () => setAttempt((n) => n + 1),
    set: (data: T) => setState({ key, data, error: null }),
  };
}
