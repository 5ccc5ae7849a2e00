/**
 * The TaskRoom side of one run's socket, as the fake worker plays it: `attached` on connect,
 * frames stored once in order (idempotent on frame number), cumulative acks, heartbeats counted,
 * SOCKET_PING answered with SOCKET_PONG (as the Worker's runtime does; `answersPing` in `attached`),
 * cancel pushed down. Tests can hold or discard acks to simulate frames lost in flight, and
 * every protocol violation (gap, bad message, a frame outside the limits TaskRoom enforces) is
 * recorded in `violations`.
 */
import type { WebSocket } from 'ws';
import { CLOSE_CODES, SOCKET_PING, SOCKET_PONG, decode, frameEventsViolation, send as sendOn } from '../../protocol/src/index.ts';
import type { Assignment, Frame, Outgoing, RunEvent, RunResult } from '../../protocol/src/index.ts';
import type { Changes } from './changes.ts';

/** auto: store + ack; hold: store, no ack; discard: neither (the frame is "lost in flight"). */
export type AckMode = 'auto' | 'hold' | 'discard';

export interface FakeRun {
  assignment: Assignment;
  /** Frames stored, in order; frame numbers are 1..n. */
  stored: Frame[];
  /** Every frame received, duplicates included. */
  received: Frame[];
  /** Events of the stored frames, in order. */
  events: RunEvent[];
  violations: string[];
  heartbeats: number;
  /** SOCKET_PINGs answered on this run's sockets. */
  pings: number;
  /** Run sockets opened for this run (reconnects included). */
  sockets: number;
  cancelRequested: boolean;
  cancelReason: string;
  ackMode: AckMode;
  /** Sockets are upgraded but never attached (FakeWorker `assign({ neverAttach })`). */
  neverAttach: boolean;
  result?: RunResult;
  socket?: WebSocket;
}

export function newFakeRun(assignment: Assignment): FakeRun {
  return {
    assignment, stored: [], received: [], events: [], violations: [], heartbeats: 0, pings: 0, sockets: 0,
    cancelRequested: false, cancelReason: '', ackMode: 'auto', neverAttach: false,
  };
}

const send = (ws: WebSocket | undefined, msg: Outgoing<'roomToRunner'>) => {
  if (ws && ws.readyState === ws.OPEN) sendOn(ws, 'roomToRunner', msg);
};

export function sendAck(run: FakeRun): void {
  send(run.socket, { type: 'ack', frame: run.stored.length });
}

export function sendCancel(run: FakeRun, reason: string): void {
  run.cancelRequested = true;
  run.cancelReason = reason;
  send(run.socket, { type: 'cancel', reason });
}

/** Wires a freshly upgraded run socket for the run's current assignment. */
export function attachRunSocket(run: FakeRun, ws: WebSocket, changes: Changes, answersPing = true): void {
  if (run.socket && run.socket.readyState === run.socket.OPEN) run.socket.close(CLOSE_CODES.replaced, 'replaced');
  run.socket = ws;
  run.sockets++;
  send(ws, { type: 'attached', lastFrame: run.stored.length, cancelRequested: run.cancelRequested, ...(answersPing ? { answersPing: true } : {}) });
  ws.on('message', (data) => {
    // The watchdog's keep-alive: a raw text answered like TaskRoom's auto-response, never decoded.
    if (answersPing && String(data) === SOCKET_PING) {
      run.pings++;
      return void ws.send(SOCKET_PONG);
    }
    // Read as TaskRoom reads it (the same decode, so the same refusal): a runner whose message is
    // refused — unreadable, or past the promises TaskRoom enforces (LIMITS.frameMaxBytes …) — is a bug here.
    const decoded = decode('runnerToRoom', String(data));
    if (!decoded.ok) {
      run.violations.push(decoded.reason.startsWith('policy: ') ? decoded.reason : `bad message: ${String(data).slice(0, 200)}`);
      ws.close(decoded.code, decoded.reason);
      return changes.notify();
    }
    const msg = decoded.msg;
    if (msg.type === 'heartbeat') run.heartbeats++;
    else onFrame(run, ws, msg);
    changes.notify();
  });
  ws.on('close', () => {
    if (run.socket === ws) run.socket = undefined;
    changes.notify();
  });
}

function onFrame(run: FakeRun, ws: WebSocket, frame: Frame): void {
  run.received.push(frame);
  const broken = frameEventsViolation(frame.events);
  if (broken) run.violations.push(`policy: frame ${frame.frame}: ${broken}`);
  if (run.ackMode === 'discard') return;
  const last = run.stored.length;
  if (frame.frame > last + 1) {
    run.violations.push(`gap: got frame ${frame.frame} after ${last}`);
    ws.close(CLOSE_CODES.badMessage, 'frame gap');
    return;
  }
  if (frame.frame === last + 1) {
    run.stored.push(frame);
    for (const e of frame.events) {
      if (e.runId !== run.assignment.runId) run.violations.push(`event for run ${e.runId} on ${run.assignment.runId}`);
      run.events.push(e);
      if (e.type === 'result') {
        if (run.result) run.violations.push('second result event');
        run.result = e.result;
      }
    }
  }
  if (run.ackMode === 'auto') sendAck(run);
}
