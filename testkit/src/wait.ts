/**
 * The one `waitFor` of the tests (node, e2e, web): resolves with the first truthy value of `probe`
 * (sync or async), re-checking every `everyMs` and, with `wake`, as soon as the watched object
 * signals a change; rejects after `timeoutMs` with the caller's description (and the probe's last
 * error, if it threw), so a failing test says what it was waiting for. A probe that throws is
 * tried again: an endpoint that is not up yet is what a wait is for. Probes never overlap.
 * No Node imports: the web app's tests use it too.
 */
export type Maybe<T> = T | undefined | null | false | 0 | '';

/** Something that says when to look again (Changes, any EventEmitter emitting 'change'). */
export interface Wake {
  on(event: 'change', listener: () => void): unknown;
  off(event: 'change', listener: () => void): unknown;
}

export function waitFor<T>(
  what: string,
  probe: () => Maybe<T> | Promise<Maybe<T>>,
  timeoutMs = 30_000,
  everyMs = 100,
  wake?: Wake,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let running = false;
    let again = false;
    let lastError: unknown;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timer);
      wake?.off('change', check);
      settle();
    };
    const check = (): void => {
      if (done) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      void (async () => {
        do {
          again = false;
          try {
            const v = await probe();
            lastError = undefined;
            if (v) return finish(() => resolve(v));
          } catch (e) {
            lastError = e;
          }
        } while (again && !done);
        running = false;
      })();
    };
    const poll = setInterval(check, everyMs);
    const timer = setTimeout(() => finish(() => reject(new Error(
      `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
    ))), timeoutMs);
    wake?.on('change', check);
    check();
  });
}
