/**
 * The runner credential this process uses right now (issue 11). The Worker answers each pool
 * connection with a fresh one (`credential` message): it is saved first — atomically, mode 0600,
 * through `save` — and only then used and confirmed, so a crash at any point leaves the state
 * file holding a credential the Worker still accepts (worker/src/runner-pool/README.md,
 * "Credential rotation"). Every dial and git-credential request reads `current` at the moment it
 * is made, after any rotation in flight settled, never a copy taken at start.
 */
import type { Redactor } from './log.ts';

export class RunnerCredential {
  #current: string;
  #save: ((credential: string) => Promise<void>) | undefined;
  #redactor: Redactor | undefined;
  #inFlight: Promise<unknown> = Promise.resolve();
  #rotations = 0;

  /** Without `save` the credential cannot be kept, and the runner does not ask to be rotated. */
  constructor(initial: string, o: { save?: (credential: string) => Promise<void>; redactor?: Redactor } = {}) {
    this.#current = initial;
    this.#save = o.save;
    this.#redactor = o.redactor;
    this.#redactor?.add(initial);
  }

  get current(): string {
    return this.#current;
  }
  get rotates(): boolean {
    return this.#save !== undefined;
  }
  /** How many rotations this process saved: proof that the Worker rotates its credential. */
  get rotations(): number {
    return this.#rotations;
  }

  /** Resolves once no rotation is being saved, so a dial uses the credential that will be on disk. */
  async settled(): Promise<void> {
    await this.#inFlight;
  }

  /** Saves `next`, then uses it. Rejects (keeping the old one) when it cannot be saved. */
  rotate(next: string): Promise<void> {
    const save = this.#save;
    if (!save) return Promise.reject(new Error('this runner cannot keep a rotated credential'));
    this.#redactor?.add(next);
    const done = this.#inFlight.then(async () => {
      await save(next);
      this.#current = next;
      this.#rotations++;
    });
    this.#inFlight = done.catch(() => {});
    return done;
  }
}

/** A fixed credential (tests, fakes) or the process's rotating one. */
export type CredentialInput = string | RunnerCredential;

export const asCredential = (c: CredentialInput): RunnerCredential => (typeof c === 'string' ? new RunnerCredential(c) : c);
