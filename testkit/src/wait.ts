/**
 * `waitFor`: resolves as soon as a predicate holds, re-checking whenever the watched object
 * signals a change (plus a slow poll as a safety net); rejects after a bounded time with the
 * caller's description, so a failing test says what it was waiting for.
 */
import { EventEmitter } from 'node:events';

export class Changes extends EventEmitter {
  notify(): void {
    this.emit('change');
  }

  waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const tryNow = (): boolean => {
        let v: T | undefined | null | false;
        try {
          v = check();
        } catch (e) {
          cleanup();
          reject(e);
          return true;
        }
        if (v === undefined || v === null || v === false) return false;
        cleanup();
        resolve(v);
        return true;
      };
      const onChange = () => void tryNow();
      const poll = setInterval(onChange, 50);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.off('change', onChange);
      };
      this.on('change', onChange);
      tryNow();
    });
  }
}
