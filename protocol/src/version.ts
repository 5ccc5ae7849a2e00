/**
 * Wire protocol version spoken between runners and the Worker.
 * Bump PROTOCOL_VERSION on any change that is not purely additive; raise
 * MIN_RUNNER_PROTOCOL only when the Worker can no longer serve older runners
 * (they are refused with CLOSE_CODES.protocolTooOld and stop reconnecting).
 */
export const PROTOCOL_VERSION = 2;
export const MIN_RUNNER_PROTOCOL = 1;
/**
 * Version 2 (additive): the `turn` RunEvent and Assignment.resume. A runner sends `turn` events only
 * to a Worker whose welcome says ≥ this — an older Worker refuses frames with an event type it does
 * not know. Older runners never send them and ignore `resume` (they start over).
 */
export const TURN_EVENTS_PROTOCOL = 2;

/** WebSocket close codes with a meaning in dursor (4000–4999 is the application range). */
export const CLOSE_CODES = {
  /** Runner speaks a protocol older than MIN_RUNNER_PROTOCOL: terminal, do not reconnect. */
  protocolTooOld: 4001,
  /** Credential unknown or revoked: terminal, do not reconnect. */
  unauthorized: 4003,
  /** A message failed to parse; the peer should reconnect and resync. */
  badMessage: 4400,
  /** The run socket belongs to an assignment that is no longer current (run was re-assigned, cancelled or finished): terminal for that run. */
  staleAssignment: 4409,
  /** Server is replacing this socket with a newer one for the same identity. */
  replaced: 4410,
  /**
   * TaskRoom's storage refused a frame (the reason says why): nothing of it was stored or acked;
   * the runner reconnects and resends it, like after any drop.
   */
  storeFailed: 4500,
} as const;

/**
 * A WebSocket upgrade the Worker refused with an HTTP status means what the matching close code
 * means, so a runner handles "refused before the socket opened" and "closed once open" one way:
 * 401/403 — the credential (or run token) is not accepted: `unauthorized`; 404/409/410 — the run
 * is unknown, or the assignment is not the current one: `staleAssignment`. Other statuses (a 5xx,
 * a proxy's 502) mean nothing about the peer: null, redial with backoff.
 */
export function closeCodeForRefusedUpgrade(httpStatus: number): number | null {
  if (httpStatus === 401 || httpStatus === 403) return CLOSE_CODES.unauthorized;
  if (httpStatus === 404 || httpStatus === 409 || httpStatus === 410) return CLOSE_CODES.staleAssignment;
  return null;
}
