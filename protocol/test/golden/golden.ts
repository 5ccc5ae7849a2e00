/**
 * The golden frames: one file per message kind and direction (`<direction>.<type>.json`), each
 * with valid messages and a few invalid ones with the refusal (close code and reason) the
 * receiver must answer. Loaded by the codec's own test (protocol/test/golden.test.ts), by the real
 * TaskRoom and RunnerPool in the Workers runtime (worker/test/golden-frames.test.ts) and by the
 * fake Worker (testkit/test/golden-frames.test.ts): each must accept the valid ones, refuse the
 * invalid ones the same way, and send only frames of a golden shape (`shapeViolation`).
 * Imported statically so both the Node and the Workers test runners bundle them.
 */
import { decode, type SocketRole } from '../../src/index.ts';
import feedToViewerHello from './feed-to-viewer.hello.json';
import feedToViewerTask from './feed-to-viewer.task.json';
import poolToRunnerAssign from './pool-to-runner.assign.json';
import poolToRunnerCredential from './pool-to-runner.credential.json';
import poolToRunnerWelcome from './pool-to-runner.welcome.json';
import roomToRunnerAck from './room-to-runner.ack.json';
import roomToRunnerAttached from './room-to-runner.attached.json';
import roomToRunnerCancel from './room-to-runner.cancel.json';
import roomToViewerEvents from './room-to-viewer.events.json';
import roomToViewerSync from './room-to-viewer.sync.json';
import runnerToPoolAccept from './runner-to-pool.accept.json';
import runnerToPoolCapacity from './runner-to-pool.capacity.json';
import runnerToPoolCredentialSaved from './runner-to-pool.credential-saved.json';
import runnerToPoolHello from './runner-to-pool.hello.json';
import runnerToPoolReject from './runner-to-pool.reject.json';
import runnerToRoomFrame from './runner-to-room.frame.json';
import runnerToRoomHeartbeat from './runner-to-room.heartbeat.json';

export interface GoldenEntry {
  name: string;
  /** The message, sent as its JSON text … */
  message?: unknown;
  /** … or the exact text to send (for text that is not JSON). */
  text?: string;
  /** Invalid entries: how the receiver refuses it. */
  refusal?: { code: number; reason: string };
}
export interface GoldenFile {
  role: SocketRole;
  type: string;
  about: string;
  valid: GoldenEntry[];
  invalid: GoldenEntry[];
}

export const GOLDEN: readonly GoldenFile[] = [feedToViewerHello, feedToViewerTask, poolToRunnerAssign, poolToRunnerCredential, poolToRunnerWelcome, roomToRunnerAck, roomToRunnerAttached, roomToRunnerCancel, roomToViewerEvents, roomToViewerSync, runnerToPoolAccept, runnerToPoolCapacity, runnerToPoolCredentialSaved, runnerToPoolHello, runnerToPoolReject, runnerToRoomFrame, runnerToRoomHeartbeat] as GoldenFile[];

/** The golden files of one direction. */
export const goldenOf = (role: SocketRole): GoldenFile[] => GOLDEN.filter((g) => g.role === role);

/** The text an entry is sent as. */
export const goldenText = (e: GoldenEntry): string => e.text ?? JSON.stringify(e.message);

/** Key paths of a message, two levels deep (`type`, `assignment.runId`): what its shape is compared by. */
export function keyPaths(msg: unknown): string[] {
  const out: string[] = [];
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return out;
  for (const [k, v] of Object.entries(msg)) {
    out.push(k);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const k2 of Object.keys(v)) out.push(`${k}.${k2}`);
  }
  return out;
}

/**
 * Why a message someone sent on `role` does not match the golden frames, or null: it must decode,
 * its type must have a golden file, it may carry only fields a golden message of its type carries
 * (a misspelled field is caught here even where the schema would strip it), and it must carry
 * every field all of them carry.
 */
export function shapeViolation(role: SocketRole, msg: unknown): string | null {
  const decoded = decode(role, JSON.stringify(msg));
  if (!decoded.ok) return `does not decode as ${role}: ${decoded.reason}`;
  const type = (msg as { type: string }).type;
  const golden = goldenOf(role).find((g) => g.type === type);
  if (!golden) return `no golden frame for ${role} ${type}`;
  const known = new Set(golden.valid.flatMap((e) => keyPaths(e.message)));
  const always = [...known].filter((p) => golden.valid.every((e) => keyPaths(e.message).includes(p)));
  const paths = keyPaths(msg);
  const extra = paths.filter((p) => !known.has(p));
  if (extra.length) return `${role} ${type} carries fields no golden frame has: ${extra.join(', ')}`;
  const missing = always.filter((p) => !paths.includes(p));
  if (missing.length) return `${role} ${type} lacks fields every golden frame has: ${missing.join(', ')}`;
  return null;
}
