/**
 * Per-run view model built from RunEvents (pure functions, no signals, no DOM): status, streamed
 * text interleaved with tool calls, tool results, usage totals, log lines and the final result.
 * The live store feeds each socket batch through `applyEvents`; tests feed fixtures.
 */
import { isTerminal } from '../../../protocol/src/index.ts';
import type { RunEvent, RunResult, RunStatus, StoredEvent } from '../../../protocol/src/index.ts';

export type ToolCallView = {
  callId: string;
  name: string;
  input: unknown;
  ts: number;
  result: { output: string; isError: boolean } | null;
};

/** What the transcript shows, in arrival order: text runs, tool calls, and notes such as a retry. */
export type TimelineItem =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; callId: string }
  | { kind: 'note'; text: string };

export type LogLine = { level: 'info' | 'warn' | 'error'; message: string; ts: number };

export type RunView = {
  runId: string;
  status: RunStatus | null;
  statusReason: string | null;
  text: string;
  timeline: TimelineItem[];
  toolCalls: Record<string, ToolCallView>;
  usage: { inputTokens: number; outputTokens: number };
  logs: LogLine[];
  result: RunResult | null;
  /** First moment the run left the queue (assigned or later), from event timestamps. */
  startedAt: number | null;
  finishedAt: number | null;
  lastSeq: number;
};

/** Bounds memory of a long run in the browser; older log lines are summarised by a count. */
export const MAX_LOG_LINES = 500;

export function emptyRun(runId: string): RunView {
  return {
    runId, status: null, statusReason: null, text: '', timeline: [], toolCalls: {},
    usage: { inputTokens: 0, outputTokens: 0 }, logs: [], result: null,
    startedAt: null, finishedAt: null, lastSeq: 0,
  };
}

/** Applies one event; returns a new RunView (the input is never mutated). */
export function applyRunEvent(view: RunView, ev: RunEvent, seq = view.lastSeq): RunView {
  const next: RunView = { ...view, lastSeq: Math.max(view.lastSeq, seq) };
  switch (ev.type) {
    case 'status':
      return withStatus(next, ev.status, ev.reason ?? null, ev.ts);
    case 'text':
      next.text = view.text + ev.text;
      next.timeline = appendText(view.timeline, ev.text);
      return next;
    case 'tool_call':
      next.toolCalls = { ...view.toolCalls, [ev.callId]: { callId: ev.callId, name: ev.name, input: ev.input, ts: ev.ts, result: view.toolCalls[ev.callId]?.result ?? null } };
      if (!view.toolCalls[ev.callId]) next.timeline = [...view.timeline, { kind: 'tool', callId: ev.callId }];
      return next;
    case 'tool_result': {
      const call = view.toolCalls[ev.callId];
      const result = { output: ev.output, isError: ev.isError };
      // A result without its call (e.g. a cut log) still shows, under an unnamed call.
      next.toolCalls = { ...view.toolCalls, [ev.callId]: call ? { ...call, result } : { callId: ev.callId, name: 'tool', input: null, ts: ev.ts, result } };
      if (!call) next.timeline = [...view.timeline, { kind: 'tool', callId: ev.callId }];
      return next;
    }
    case 'usage':
      next.usage = { inputTokens: view.usage.inputTokens + ev.inputTokens, outputTokens: view.usage.outputTokens + ev.outputTokens };
      return next;
    case 'log': {
      const logs = [...view.logs, { level: ev.level, message: ev.message, ts: ev.ts }];
      next.logs = logs.length > MAX_LOG_LINES ? logs.slice(logs.length - MAX_LOG_LINES) : logs;
      return next;
    }
    case 'result': {
      next.result = ev.result;
      const withOutcome = withStatus(next, ev.result.outcome, ev.result.error ?? null, ev.ts);
      return withOutcome;
    }
    default:
      // Kinds the view does not show (`turn`: a resume checkpoint, duplicating text and tool calls).
      return next;
  }
}

function withStatus(view: RunView, status: RunStatus, reason: string | null, ts: number): RunView {
  // Events arrive in seq order, but a terminal state is final: a late non-terminal status
  // (e.g. a resend from a runner that had not heard of the cancel) must not revive the card.
  if (view.status && isTerminal(view.status)) {
    if (!view.statusReason && reason && view.status === status) return { ...view, statusReason: reason };
    return view;
  }
  const next = { ...view, status, statusReason: reason ?? (status === view.status ? view.statusReason : null) };
  if (view.status === 'lost' && status === 'queued') {
    next.timeline = [...view.timeline, { kind: 'note', text: 'The runner was lost; the run was queued again and starts over.' }];
  }
  if (next.startedAt === null && status !== 'queued') next.startedAt = ts;
  if (isTerminal(status)) next.finishedAt = ts;
  return next;
}

function appendText(timeline: TimelineItem[], text: string): TimelineItem[] {
  const last = timeline[timeline.length - 1];
  if (last && last.kind === 'text') return [...timeline.slice(0, -1), { kind: 'text', text: last.text + text }];
  return [...timeline, { kind: 'text', text }];
}

/**
 * Applies a batch of stored events to a map of runs. Events with seq ≤ `afterSeq` are dropped
 * (replay overlap after a reconnect). Returns the runs that changed and the new last seq, so the
 * store can update only those runs' signals.
 */
export function applyEvents(
  runs: ReadonlyMap<string, RunView>,
  events: readonly StoredEvent[],
  afterSeq: number,
): { changed: Map<string, RunView>; lastSeq: number } {
  const changed = new Map<string, RunView>();
  let lastSeq = afterSeq;
  for (const ev of events) {
    if (ev.seq <= lastSeq) continue;
    lastSeq = ev.seq;
    const current = changed.get(ev.runId) ?? runs.get(ev.runId) ?? emptyRun(ev.runId);
    changed.set(ev.runId, applyRunEvent(current, ev, ev.seq));
  }
  return { changed, lastSeq };
}

/** Whether a run can still change (shows Cancel, ticks its clock). Unknown status counts as active. */
export function isActive(status: RunStatus | null): boolean {
  return status === null || !isTerminal(status);
}

/**
 * The task's status from its runs' live statuses — the rule TaskRoom applies when it writes the
 * task row to D1 (worker/src/task-room/d1-sync.ts), so the header never waits on a REST refresh.
 */
export function taskStatusOf(statuses: (RunStatus | null)[]): 'idle' | 'running' | 'done' | 'failed' | 'cancelled' {
  if (statuses.length === 0) return 'idle';
  if (statuses.some(isActive)) return 'running';
  if (statuses.includes('succeeded')) return 'done';
  return statuses.includes('failed') ? 'failed' : 'cancelled';
}
