/**
 * The one way the web app fetches: a GET as a signal with its loading and error state, so every
 * page says what is happening (loading, empty, failed with the API's own message — `ApiError`
 * from lib/api.ts) without repeating the bookkeeping.
 *
 * - Shared lists (state/lists.ts) and the open task's detail are module- or store-level
 *   `Resource`s: `ensure()` loads once, `load()` refreshes, a refresh keeps showing the previous
 *   data, concurrent loads share one request, `reset()` (sign-out) drops a pending answer.
 * - A lookup tied to a component and a key (a repo's branches, the task's PR) is `useResource`:
 *   a fresh Resource per key, its request aborted when the key changes or the component leaves,
 *   so a late answer for the old key can never show.
 *
 * Reading `data` / `error` / `loading` in a render subscribes that component (signals).
 */
import { signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { errorMessage } from './api.ts';

export type Loadable<T> = {
  status: 'idle' | 'loading' | 'ready' | 'error';
  data: T | null;
  error: string | null;
};

/** Gets the value; `signal` is aborted when the answer is no longer wanted (reset, key change). */
export type Fetcher<T> = (signal: AbortSignal) => Promise<T>;

const IDLE: Loadable<never> = { status: 'idle', data: null, error: null };

export class Resource<T> {
  readonly state = signal<Loadable<T>>(IDLE);
  readonly #fetcher: Fetcher<T>;
  #inflight: { promise: Promise<void>; abort: AbortController } | null = null;

  constructor(fetcher: Fetcher<T>) {
    this.#fetcher = fetcher;
  }

  get data(): T | null {
    return this.state.value.data;
  }

  get error(): string | null {
    return this.state.value.error;
  }

  /** True until there is something to show: the first load, or a retry after a failed first load. */
  get loading(): boolean {
    const s = this.state.value;
    return s.status === 'loading' && s.data === null;
  }

  /** Loads once; later calls are no-ops until `reset` or `load`. */
  ensure(): Promise<void> {
    return this.state.peek().status === 'idle' ? this.load() : (this.#inflight?.promise ?? Promise.resolve());
  }

  /** (Re)loads; what was loaded stays on screen meanwhile, and a failure keeps it under the error. */
  load(): Promise<void> {
    if (this.#inflight) return this.#inflight.promise;
    const abort = new AbortController();
    const prev = this.state.peek();
    this.state.value = { ...prev, status: prev.data === null || prev.status === 'error' ? 'loading' : 'ready' };
    const promise = this.#fetcher(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) this.state.value = { status: 'ready', data, error: null };
      },
      (err: unknown) => {
        if (!abort.signal.aborted) this.state.value = { status: 'error', data: this.state.peek().data, error: errorMessage(err) };
      },
    ).finally(() => {
      if (this.#inflight?.promise === promise) this.#inflight = null;
    });
    this.#inflight = { promise, abort };
    return promise;
  }

  /** For a retry button: `onRetry={resource.reload}`. */
  readonly reload = (): void => void this.load();

  /** Replaces the data after a local change (the item just created, the PR just updated). */
  set(data: T): void {
    this.state.value = { status: 'ready', data, error: null };
  }

  /** Forgets everything (sign-out, key change): a pending request is aborted and its answer ignored. */
  reset(): void {
    this.#inflight?.abort.abort();
    this.#inflight = null;
    this.state.value = IDLE;
  }
}

/**
 * A Resource for this component and `key` (null: nothing to fetch, stays idle): loaded on mount
 * and on every key change, aborted when the key changes or the component unmounts.
 */
export function useResource<T>(key: string | null, fetcher: Fetcher<T>): Resource<T> {
  // Started while rendering, so the first frame already says "loading"; the fetcher is the one
  // of the render that saw this key (it closes over the same ids).
  const resource = useMemo(() => {
    const r = new Resource(fetcher);
    if (key !== null) void r.load();
    return r;
  }, [key]);
  useEffect(() => () => resource.reset(), [resource]);
  return resource;
}
