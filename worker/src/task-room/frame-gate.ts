/**
 * What a run socket's message must be before anything of it is stored (issue 11): the runner's
 * promises in protocol/src/limits.ts (LIMITS.frameMaxBytes, frameMaxEvents, eventMaxBytes,
 * eventMaxDepth), checked with the same functions the runner's batcher is tested against, and a
 * frame number that is exactly the next one. A message that breaks one is refused whole:
 * run-socket.ts closes the socket with CLOSE_CODES.badMessage and a `policy:` reason.
 */
import { frameEventsViolation } from '../../../protocol/src/index.ts';
import type { Frame } from '../../../protocol/src/index.ts';

// Before parsing, a message too large or nested too deep to be a frame a runner could have sent is
// refused by the codec (protocol/src/codec.ts `decode('runnerToRoom', …)`), with the same checks.

/**
 * A new frame (its number above the last stored one) that may not be stored, and why. Frames
 * are numbered 1, 2, 3… per assignment and the runner resends every unacked one in order, so a
 * jump means frames were skipped: acking it would confirm frames the room never saw (after 1
 * and 5, a late 3 used to be acked and dropped).
 */
export function refuseFrame(frame: Frame, lastFrame: number): string | null {
  if (frame.frame !== lastFrame + 1) return `frame ${frame.frame} is not the next one (${lastFrame + 1})`;
  return frameEventsViolation(frame.events);
}
