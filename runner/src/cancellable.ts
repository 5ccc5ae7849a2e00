/**
 * Helpers for cancel (docs/architecture.md §6): wait for work unless the run is aborted, and give aborted
 * work a grace period before abandoning it.
 */
export class CancelledError extends Error {}

/** Resolves/rejects like `p`, or rejects with CancelledError as soon as `signal` aborts. */
export function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Waits for `work`; once `signal` aborts, waits at most `graceMs` more and then gives up on it
 * (rejecting with CancelledError). The abandoned promise's later rejection is swallowed.
 */
export function withGrace<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  work.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onAbort = () => {
      timer = setTimeout(() => reject(new CancelledError(`still running ${graceMs} ms after cancel; abandoned`)), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Sleeps `ms`, or less if the signal aborts first (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
