/**
 * What the TaskRoom does to every event a runner sends before it is stored (issue 11): the
 * well-known secret shapes (protocol/src/secrets.ts, the set the runner and its file policy use)
 * are replaced by `[redacted]` in every string of the event. The runner already redacts the values
 * it knows; this catches a runner that did not (an older one, a bug) and anything shaped like a
 * token, so no viewer receives one on replay and D1 never keeps one in a result.
 */
import type { RunEvent } from '../../../protocol/src/index.ts';
import { redactDeep, redactPatterns } from '../../../protocol/src/secrets.ts';

export function redactEvent(ev: RunEvent): RunEvent {
  return redactDeep(ev, redactPatterns);
}
