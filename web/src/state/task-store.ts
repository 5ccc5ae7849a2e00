/**
 * The open task: its REST detail (task, messages, runs) plus one signal per run holding the
 * RunView built from live events. Each socket `events` message is applied in ONE signals batch,
 * so a frame of 100 events re-renders each affected card once. Only cards whose run changed
 * re-render, because each card reads only its own run's signal.
 */
import { batch, signal } from '@preact/signals';
import type { Signal } from '@preact/signals';
import type { Message, Run, StoredEvent, Task } from '../../../protocol/src/index.ts';
import { isTerminal } from '../../../protocol/src/index.ts';
import { api } from '../lib/endpoints.ts';
import type { TaskDetail } from '../lib/endpoints.ts';
import { LiveConnection } from '../lib/live.ts';
import type { LiveState } from '../lib/live.ts';
import { Resource } from '../lib/resource.ts';
import { applyEvents, emptyRun } from './task-model.ts';
import type { RunView } from './task-model.ts';

export type LiveInfo = { state: LiveState; lastSeq: number; error?: string };

export class TaskStore {
  readonly taskId: string;
  readonly detail: Resource<TaskDetail>;
  readonly live = signal<LiveInfo>({ state: 'connecting', lastSeq: 0 });
  /** Patches fetched from GET /v1/runs/:id when the result event did not carry one. */
  readonly patches = signal<Record<string, string | null>>({});
  /** Patch requests in flight, so a second caller waits for the same one. */
  #patchFetches = new Map<string, Promise<void>>();
  private readonly views = new Map<string, Signal<RunView>>();
  private connection: LiveConnection | null = null;
  private lastSeq = 0;
  private detailTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(taskId: string) {
    this.taskId = taskId;
    this.detail = new Resource((signal) => api.getTask(taskId, signal));
  }

  open(): void {
    void this.detail.load();
    this.connection = new LiveConnection({
      taskId: this.taskId,
      after: this.lastSeq,
      onEvents: (events) => this.onEvents(events),
      onState: (state, info) => {
        this.live.value = { state, lastSeq: info.lastSeq, error: info.error };
      },
    });
  }

  close(): void {
    this.connection?.close();
    this.connection = null;
    if (this.detailTimer) clearTimeout(this.detailTimer);
  }

  /** The run's live view (created empty on first use, so a card can subscribe before events arrive). */
  view(runId: string): Signal<RunView> {
    let s = this.views.get(runId);
    if (!s) {
      s = signal(emptyRun(runId));
      this.views.set(runId, s);
    }
    return s;
  }

  onEvents(events: StoredEvent[]): void {
    const current = new Map<string, RunView>();
    for (const [id, s] of this.views) current.set(id, s.peek());
    const { changed, lastSeq } = applyEvents(current, events, this.lastSeq);
    this.lastSeq = lastSeq;
    const known = new Set((this.detail.state.peek().data?.runs ?? []).map((r) => r.id));
    let unknownRun = false;
    let finished = false;
    batch(() => {
      for (const [id, next] of changed) {
        const s = this.view(id);
        if (next.status && isTerminal(next.status) && !(s.peek().status && isTerminal(s.peek().status!))) finished = true;
        s.value = next;
        if (!known.has(id)) unknownRun = true;
      }
    });
    // A run we have no REST row for (created elsewhere) or a run that just ended: refresh the
    // summary rows so titles, attempts and final stats match D1. (The sidebar hears from the feed.)
    if (unknownRun || finished) this.reloadDetailSoon();
  }

  /** Marks the attempt the user chose as the best one; the task row comes back with it. */
  async chooseWinner(runId: string): Promise<void> {
    const { task } = await api.chooseWinner(this.taskId, { runId });
    this.setTask(task);
  }

  /** A follow-up round just created: show its message and runs now, not after the next reload. */
  addRound(message: Message, runs: Run[]): void {
    const d = this.detail.state.peek().data;
    if (!d) return;
    const known = new Set(d.runs.map((r) => r.id));
    this.detail.set({
      ...d,
      messages: d.messages.some((m) => m.id === message.id) ? d.messages : [...d.messages, message],
      runs: [...d.runs, ...runs.filter((r) => !known.has(r.id))],
    });
  }

  setTask(task: Task): void {
    const d = this.detail.state.peek().data;
    if (d) this.detail.set({ ...d, task });
  }

  async cancel(runId: string): Promise<void> {
    const { run } = await api.cancelRun(runId);
    this.replaceRun(run);
  }

  /** Fetches the stored patch of a finished run whose result event came without one. */
  /**
   * Fetches a run's patch once; every caller while it is in flight gets the same promise, which
   * settles after `patches` holds the patch (or has dropped the entry again on a failure).
   */
  ensurePatch(runId: string): Promise<void> {
    const pending = this.#patchFetches.get(runId);
    if (pending) return pending;
    if (runId in this.patches.peek()) return Promise.resolve();
    this.patches.value = { ...this.patches.peek(), [runId]: null };
    const fetching = (async () => {
      try {
        const { run } = await api.getRun(runId);
        this.patches.value = { ...this.patches.peek(), [runId]: run.patch ?? '' };
      } catch {
        const { [runId]: _, ...rest } = this.patches.peek();
        this.patches.value = rest;
      } finally {
        this.#patchFetches.delete(runId);
      }
    })();
    this.#patchFetches.set(runId, fetching);
    return fetching;
  }

  private replaceRun(run: Run): void {
    const d = this.detail.state.peek().data;
    if (d) this.detail.set({ ...d, runs: d.runs.map((r) => (r.id === run.id ? run : r)) });
  }

  private reloadDetailSoon(): void {
    if (this.detailTimer) return;
    this.detailTimer = setTimeout(() => {
      this.detailTimer = null;
      void this.detail.load();
    }, 250);
  }
}
