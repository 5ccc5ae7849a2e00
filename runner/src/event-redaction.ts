/**
 * Every run event passes through here before it is batched (issue 11): an agent that prints a
 * secret must not put it in the TaskRoom's stored events, where every viewer receives it on every
 * replay. Redacted are the secret values this runner knows (the run token, the relay token, the
 * git credential, the runner credential, the registration token, keys put in the agent's
 * environment — all registered on the job's log redactor) and the shared well-known secret shapes
 * (protocol/src/secrets.ts); the TaskRoom redacts those shapes again before it stores anything.
 *
 * Streamed text arrives in small pieces, so a secret may be split across two `text` events. Text
 * goes through a StreamRedactor, which holds back the tail that may be the start of a secret
 * (usually the current word) until the next piece shows it is not; any other event first
 * releases what is held, so held text never waits past the agent's next step or the result.
 */
import { redactDeep, StreamRedactor, type SecretRedactor } from '../../protocol/src/secrets.ts';
import type { ExecutorEvent } from './executors/types.ts';

type Event = Exclude<ExecutorEvent, { type: 'session' }>;

export class EventRedactor {
  #redactor: SecretRedactor;
  #text: StreamRedactor;

  constructor(redactor: SecretRedactor) {
    this.#redactor = redactor;
    this.#text = new StreamRedactor(redactor);
  }

  /** The events to send for `e`, redacted: none (text held back), one, or held text then `e`. */
  redact(e: Event): Event[] {
    if (e.type === 'text') {
      const text = this.#text.push(e.text);
      return text ? [{ ...e, text }] : [];
    }
    // Known values and the shared shapes in every string of the event; nothing log-specific
    // (`Bearer …` in an agent's prose is prose).
    return [...this.flush(), redactDeep(e, (s) => this.#redactor.redactSecrets(s))];
  }

  /** Releases held-back text (as one `text` event), e.g. before the run's result. */
  flush(): Event[] {
    const rest = this.#text.end();
    return rest ? [{ type: 'text', text: rest }] : [];
  }
}
