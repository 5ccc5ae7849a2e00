/**
 * A change signal for the fakes (fake Worker, fake run room): they `notify()` whenever something
 * they record changes, and `waitFor` re-checks at once instead of waiting for its next poll.
 */
import { EventEmitter } from 'node:events';
import { waitFor, type Maybe } from './wait.ts';

export class Changes extends EventEmitter {
  notify(): void {
    this.emit('change');
  }

  waitFor<T>(check: () => Maybe<T>, what: string, timeoutMs = 10_000): Promise<T> {
    return waitFor(what, check, timeoutMs, 50, this);
  }
}
