/**
 * The wire codec of every WebSocket in dursor (docs/architecture.md §5, §6): one typed way to
 * write a message and one way to read it, per socket role. Senders call `encode` / `send` with
 * the role's message type, so a misspelled or missing field fails `npm run typecheck` at the
 * sender instead of at the receiver's zod parse. Receivers call `decode`, which turns a message's
 * text into the role's typed message or a typed refusal: the close code and reason the receiver
 * closes with (CLOSE_CODES; `policy: …` for a run-socket message that breaks frame-limits.ts).
 *
 * Runtime-neutral (Workers, Node, browser): the socket is anything with `send(text)`.
 */
import type { z } from 'zod';
import type { StoredEvent } from './events.ts';
import { frameTextViolation } from './frame-limits.ts';
import { PoolToRunner, RoomToRunner, RunnerToPool, RunnerToRoom } from './runner-messages.ts';
import { CLOSE_CODES, MIN_RUNNER_PROTOCOL } from './version.ts';
import { FeedToViewer, RoomToViewer } from './viewer-messages.ts';

/** Each socket direction and the schema of what travels on it. */
export const SOCKET_ROLES = {
  /** Pool socket, runner → RunnerPool. */
  runnerToPool: RunnerToPool,
  /** Pool socket, RunnerPool → runner. */
  poolToRunner: PoolToRunner,
  /** Run socket, runner → TaskRoom. */
  runnerToRoom: RunnerToRoom,
  /** Run socket, TaskRoom → runner. */
  roomToRunner: RoomToRunner,
  /** Task live socket, TaskRoom → browser. */
  roomToViewer: RoomToViewer,
  /** User feed socket, UserFeed → browser. */
  feedToViewer: FeedToViewer,
} as const;
export type SocketRole = keyof typeof SOCKET_ROLES;

/**
 * What a sender may write on `R`: the schema's input type, so fields with a default may be left
 * out (the receiver fills them in) but every field written must exist and have its type.
 */
export type Outgoing<R extends SocketRole> = z.input<(typeof SOCKET_ROLES)[R]>;
/** What a receiver gets from `decode` on `R`, defaults filled in. */
export type Incoming<R extends SocketRole> = z.output<(typeof SOCKET_ROLES)[R]>;

/** Why a message was refused: the receiver closes the socket with this code and reason. */
export interface Refusal {
  ok: false;
  code: number;
  reason: string;
}
export type Decoded<R extends SocketRole> = { ok: true; msg: Incoming<R> } | Refusal;

/** Anything a message can be written to: a Workers or `ws` WebSocket, a browser one, a test double. */
export interface TextSocket {
  send(text: string): void;
}

/** The text of `msg` on a socket of role `R`. */
export function encode<R extends SocketRole>(_role: R, msg: Outgoing<R>): string {
  return JSON.stringify(msg);
}

/**
 * Writes `msg` on `ws` and says whether it went out. Never throws: a peer can vanish at any
 * moment, and a failed send must not abort a handler that already persisted state (the peer's
 * reconnect resyncs it).
 */
export function send<R extends SocketRole>(ws: TextSocket, role: R, msg: Outgoing<R>): boolean {
  return sendEncoded(ws, encode(role, msg));
}

/** Writes text already encoded for the socket's role (one encoding sent to many sockets). Never throws. */
export function sendEncoded(ws: TextSocket, text: string): boolean {
  try {
    ws.send(text);
    return true;
  } catch {
    return false;
  }
}

/** One stored event's JSON, made only by `storedEventJson`, so `encodeViewerEvents` takes nothing else. */
export type StoredEventJson = string & { readonly __storedEventJson: true };

export function storedEventJson(event: StoredEvent): StoredEventJson {
  return JSON.stringify(event) as StoredEventJson;
}

/**
 * The text of an `events` message (roomToViewer) around events already serialised one by one:
 * TaskRoom measures each event's JSON to chunk a replay by size (task-room/fanout.ts) and must
 * not serialise a 512 KiB patch twice. The golden frames test that this decodes as RoomToViewer.
 */
export function encodeViewerEvents(events: readonly StoredEventJson[]): string {
  return `{"type":"events","events":[${events.join(',')}]}`;
}

export interface DecodeOptions {
  /** runnerToPool: a `hello` below this protocol is refused with protocolTooOld (default MIN_RUNNER_PROTOCOL). */
  minRunnerProtocol?: number;
}

/** What a receiver of each role says about a message it cannot read (the close reason). */
const UNREADABLE: Record<SocketRole, string> = {
  runnerToPool: 'message is not a valid pool message',
  poolToRunner: 'message is not a valid pool message',
  runnerToRoom: 'message is not a valid frame or heartbeat',
  roomToRunner: 'message is not a valid run socket message',
  roomToViewer: 'bad message',
  feedToViewer: 'bad message',
};

const refuse = (code: number, reason: string): Refusal => ({ ok: false, code, reason });

/**
 * Reads one message received on a socket of role `R`: binary data, JSON that does not parse and
 * a message its schema refuses are all CLOSE_CODES.badMessage. Two roles check more first:
 * - runnerToRoom: a text too large or nested too deep to be a frame is refused before it is
 *   parsed, with a `policy:` reason (frame-limits.ts; parsing it is the cost being refused);
 * - runnerToPool: a `hello` of a protocol below the minimum is protocolTooOld, checked before the
 *   full parse because an old runner's hello may not match today's schema.
 */
export function decode<R extends SocketRole>(role: R, data: unknown, opts: DecodeOptions = {}): Decoded<R> {
  if (typeof data !== 'string') return refuse(CLOSE_CODES.badMessage, UNREADABLE[role]);
  if (role === 'runnerToRoom') {
    const unreadable = frameTextViolation(data);
    if (unreadable) return refuse(CLOSE_CODES.badMessage, `policy: ${unreadable}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return refuse(CLOSE_CODES.badMessage, UNREADABLE[role]);
  }
  if (role === 'runnerToPool') {
    const min = opts.minRunnerProtocol ?? MIN_RUNNER_PROTOCOL;
    const hello = raw as { type?: unknown; protocolVersion?: unknown } | null;
    if (hello?.type === 'hello' && typeof hello.protocolVersion === 'number' && hello.protocolVersion < min) {
      return refuse(CLOSE_CODES.protocolTooOld, `protocol ${hello.protocolVersion} is older than the minimum ${min}; upgrade the runner`);
    }
  }
  const parsed = SOCKET_ROLES[role].safeParse(raw);
  if (!parsed.success) return refuse(CLOSE_CODES.badMessage, UNREADABLE[role]);
  return { ok: true, msg: parsed.data as Incoming<R> };
}

/** The first schema issue of a message `decode` refused, for a log line (null if it parses). */
export function decodeIssue(role: SocketRole, data: unknown): string | null {
  let raw: unknown;
  try {
    raw = typeof data === 'string' ? JSON.parse(data) : undefined;
  } catch (e) {
    return (e as Error).message;
  }
  const parsed = SOCKET_ROLES[role].safeParse(raw);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid';
}
