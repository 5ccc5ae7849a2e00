/**
 * A fetched value as a signal with its loading and error state, so every page can say what is
 * happening (loading, empty, failed with the API's message) without repeating the bookkeeping.
 * A reload keeps showing the previous data; concurrent loads share one request.
 */
import { signal } from '@preact/signals';
import { errorMessage } from '../lib/api.ts';

export type Loadable<T> = {
  status: 'idle' | 'loading' | 'ready' | 'error';
  data: T | null;
  error: string | null;
};

export class Resource<T> {
  readonly state = signal<Loadable<T>>({ status: 'idle', data: null, error: null });
  private readonly fetcher: () => Promise<T>;
  private inflight: Promise<void> | null = null;
  private generation = 0;

  constructor(fetcher: () => Promise<T>) {
    this.fetcher = fetcher;
  }

  get data(): T | null {
    return this.state.value.data;
  }

  /** Loads once; later calls are no-ops until `reset` or `load`. */
  ensure(): Promise<void> {
    return this.state.peek().status === 'idle' ? this.load() : (this.inflight ?? Promise.resolve());
  }

  load(): Promise<void> {
    if (this.inflight) return this.inflight;
    const gen = this.generation;
    const prev = this.state.peek();
    this.state.value = { ...prev, status: prev.data === null ? 'loading' : prev.status === 'error' ? 'loading' : 'ready' };
    const p = this.fetcher().then(
      (data) => {
        if (gen === this.generation) this.state.value = { status: 'ready', data, error: null };
      },
      (err: unknown) => {
        if (gen === this.generation) this.state.value = { status: 'error', data: this.state.peek().data, error: errorMessage(err) };
      },
    ).finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    return p;
  }

  /** Replaces the data after a local change (e.g. the item we just created). */
  set(data: T): void {
    this.state.value = { status: 'ready', data, error: null };
  }

  /** Forgets everything (sign-out): a pending answer for the old user is ignored. */
  reset(): void {
    this.generation++;
    this.inflight = null;
    this.state.value = { status: 'idle', data: null, error: null };
  }
}
