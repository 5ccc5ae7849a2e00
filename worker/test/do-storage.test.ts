/**
 * TaskRoom and RunnerPool storage through drizzle with versioned migrations (issue 12). A store
 * written by the code before versioned migrations (the old layout and rows, a stored fixture in
 * do-helpers/legacy-layout.ts) is migrated when the object wakes: every event replayed gaplessly,
 * every run's state and deadlines kept, the room going on from there; later migrations run on it
 * as on a new store.
 */
import { env, evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../protocol/src/index.ts';
import { migrateDoStorage, openDoDb, type DoMigrations } from '../src/durable/storage.ts';
import { getOffer, pendingOffers } from '../src/runner-pool/offers.ts';
import poolMigrations from '../src/runner-pool/drizzle/migrations.js';
import roomMigrations from '../src/task-room/drizzle/migrations.js';
import { buildResume } from '../src/task-room/resume.ts';
import { getRun, nextDeadline, type RunState } from '../src/task-room/run-store.ts';
import { legacyRoom } from '../src/task-room/storage.ts';
import { OLD_RUNNER, PRE_ISSUE_3_MISSING, oldRoomRows, writeOldPool, writeOldRoom } from './do-helpers/legacy-layout.ts';
import { seedTask } from './do-helpers/seed.ts';
import { cleanup, ev, openRunStream, openViewer, roomStub, storedEvents } from './do-helpers/stubs.ts';
import type { TestSocket } from './do-helpers/test-socket.ts';

afterEach(cleanup);

const baseline = (bundle: DoMigrations) => bundle.journal.entries[0].when;

/** A room the old code wrote, evicted: the next call wakes it with the new code. */
async function oldRoom(opts: { preIssue3?: boolean } = {}) {
  const task = await seedTask(4);
  const room = roomStub(task.taskId);
  const rows = oldRoomRows(task.taskId, task.runs, Date.now());
  await runInDurableObject(room, (_, ctx) => writeOldRoom(ctx.storage.sql, rows, opts));
  await evictDurableObject(room);
  return { task, room, rows };
}

/** What an old row means, read independently of the new schema: the oracle for `getRun`. */
function expectedState(row: Record<string, unknown>): RunState {
  const v = <T>(k: string, dflt: T) => (row[k] ?? dflt) as T;
  return {
    runId: v('run_id', ''), spec: v('spec', null as never), status: v('status', 'queued' as const),
    assignment: v('assignment', 0), runnerId: v('runner_id', null), retries: v('retries', 0), lastFrame: v('last_frame', 0),
    leaseUntil: v('lease_until', null), cancelRequested: v<number>('cancel_requested', 0) === 1, cancelDeadline: v('cancel_deadline', null),
    offerRetryAt: v('offer_retry_at', null), startedAt: v('started_at', null), finishedAt: v('finished_at', null), error: v('error', null),
    result: v('result', null), resultMessageId: v('result_message_id', null), failReason: v('fail_reason', null),
    firstTokenAt: v('first_token_at', null), noRunnerDeadline: v('no_runner_deadline', null), socketGoneAt: v('socket_gone_at', null),
    version: v('version', 1), syncedVersion: v('synced_version', 0), createdAt: v('created_at', 0),
  };
}

/** Viewer messages until the `sync`: the replayed events and the sync's seq. */
async function replay(viewer: TestSocket): Promise<{ events: StoredEvent[]; sync: number }> {
  const events: StoredEvent[] = [];
  for (let i = 0; i < 100; i++) {
    const msg = await viewer.next();
    if (msg.type === 'sync') return { events, sync: msg.seq };
    expect(msg.type).toBe('events');
    events.push(...msg.events);
  }
  throw new Error('no sync after 100 messages');
}

function columns(sql: SqlStorage, table: string): string[] {
  return sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, table).toArray().map((r) => r.name).sort();
}

function journal(sql: SqlStorage): number[] {
  return sql.exec<{ at: number }>('SELECT created_at AS at FROM __drizzle_migrations ORDER BY created_at').toArray().map((r) => Number(r.at));
}

/** The tables and columns a room created by the new code has. */
async function freshRoomColumns(): Promise<Record<string, string[]>> {
  return runInDurableObject(roomStub(`fresh-${crypto.randomUUID()}`), (_, ctx) =>
    Object.fromEntries(['meta', 'events', 'runs'].map((t) => [t, columns(ctx.storage.sql, t)])));
}

describe('a TaskRoom written before versioned migrations', () => {
  it('wakes migrated: every event replayed gaplessly, every run with its state and deadlines, and goes on', async () => {
    const { task, room, rows } = await oldRoom();
    const [running, , stopping] = task.runs;
    const n = rows.events.length;

    const all = await replay(await openViewer(task.taskId));
    expect(all.events).toEqual(rows.events.map((e, i) => ({ ...e, seq: i + 1 })));
    expect(all.sync).toBe(n);
    const tail = await replay(await openViewer(task.taskId, 5));
    expect(tail.events.map((e) => e.seq)).toEqual(Array.from({ length: n - 5 }, (_, i) => i + 6));

    const fresh = await freshRoomColumns();
    const woken = await runInDurableObject(room, (_, ctx) => {
      const db = openDoDb(ctx.storage);
      return {
        runs: task.runs.map((r) => getRun(db, r.runId)),
        next: nextDeadline(db),
        resume: buildResume(db, running.runId),
        journal: journal(ctx.storage.sql),
        columns: Object.fromEntries(Object.keys(fresh).map((t) => [t, columns(ctx.storage.sql, t)])),
      };
    });
    expect(woken.runs).toEqual(rows.runs.map(expectedState));
    // The earliest armed deadline is the budget stop's cancel deadline; the alarm works from it.
    expect(woken.next).toBe(rows.runs[2].cancel_deadline);
    expect(woken.resume).toMatchObject({ turns: [{ text: 'Reading the tree', calls: [{ id: 'c1', name: 'list_files', args: '{}' }], tokens: 120 }] });
    // The old layout was adopted as the first migration, not created again.
    expect(woken.journal).toEqual([baseline(roomMigrations)]);
    expect(woken.columns).toEqual(fresh);

    // The runner of the reassigned run reattaches where it was and its next frame follows on.
    const sock = await openRunStream(task.taskId, running.runId, 2, OLD_RUNNER);
    expect(await sock.next()).toEqual({ type: 'attached', lastFrame: 3, cancelRequested: false, answersPing: true });
    sock.send({ type: 'frame', frame: 4, events: [ev.text(running.runId, 'after the migration')] });
    expect(await sock.nextOfType('ack')).toEqual({ type: 'ack', frame: 4 });
    const stored = await storedEvents(task.taskId);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: n + 1 }, (_, i) => i + 1));
    expect(stored.at(-1)).toMatchObject({ type: 'text', text: 'after the migration', seq: n + 1 });
    // The budget stop still stands for the other run.
    const stop = await openRunStream(task.taskId, stopping.runId, 1, OLD_RUNNER);
    expect(await stop.next()).toEqual({ type: 'attached', lastFrame: 1, cancelRequested: true, answersPing: true });
  });

  it('from before issue 3 (four run columns missing) wakes with them, its events and runs intact', async () => {
    const { task, room, rows } = await oldRoom({ preIssue3: true });
    const all = await replay(await openViewer(task.taskId));
    expect(all.events).toEqual(rows.events.map((e, i) => ({ ...e, seq: i + 1 })));

    const fresh = await freshRoomColumns();
    const woken = await runInDurableObject(room, (_, ctx) => ({
      runs: task.runs.map((r) => getRun(openDoDb(ctx.storage), r.runId)),
      columns: columns(ctx.storage.sql, 'runs'),
      journal: journal(ctx.storage.sql),
    }));
    const withoutNew = rows.runs.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !PRE_ISSUE_3_MISSING.includes(k))));
    expect(woken.runs).toEqual(withoutNew.map(expectedState));
    expect(woken.columns).toEqual(fresh.runs);
    expect(woken.journal).toEqual([baseline(roomMigrations)]);
  });

  it('gets every later migration, once, like a room created by the new code', async () => {
    const { task, rows } = await oldRoom();
    const entries = roomMigrations.journal.entries;
    const later: DoMigrations = {
      journal: { entries: [...entries, { idx: entries.length, when: entries.at(-1)!.when + 1, tag: '9999_probe', breakpoints: true }] },
      migrations: { ...roomMigrations.migrations, [`m${String(entries.length).padStart(4, '0')}`]: 'ALTER TABLE `runs` ADD `probe` integer DEFAULT 7 NOT NULL;' },
    };
    const after = await runInDurableObject(roomStub(`probe-${task.taskId}`), async (_, ctx) => {
      writeOldRoom(ctx.storage.sql, rows);
      await migrateDoStorage(ctx.storage, later, legacyRoom);
      await migrateDoStorage(ctx.storage, later, legacyRoom);
      return {
        probes: ctx.storage.sql.exec<{ probe: number }>('SELECT probe FROM runs').toArray().map((r) => r.probe),
        events: ctx.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events').one().n,
        journal: journal(ctx.storage.sql),
      };
    });
    expect(after.probes).toEqual(rows.runs.map(() => 7));
    expect(after.events).toBe(rows.events.length);
    expect(after.journal).toEqual([baseline(roomMigrations), later.journal.entries.at(-1)!.when]);
  });
});

describe('a RunnerPool written before versioned migrations', () => {
  it('wakes with its queue as it was: order, claims and declines kept', async () => {
    const pool = env.RUNNER_POOL.get(env.RUNNER_POOL.idFromName(`legacy-${crypto.randomUUID()}`));
    const t0 = Date.now();
    const old = [
      { run_id: 'run-a', task_id: 'task-1', executor: 'patch-agent', created_at: t0 - 3_000, rejected_by: '["runner-x"]' },
      { run_id: 'run-b', task_id: 'task-1', executor: 'claude-code', created_at: t0 - 2_000, offered_to: 'runner-y', offered_at: t0 - 1_000, claim_id: 'claim-1', assignment: 1 },
      { run_id: 'run-c', task_id: 'task-2', executor: 'patch-agent', created_at: t0 - 3_000 },
    ];
    await runInDurableObject(pool, (_, ctx) => writeOldPool(ctx.storage.sql, old));
    await evictDurableObject(pool);

    expect(await pool.listRunners()).toEqual([]);
    // Re-offering a declined run keeps its place and who declined it.
    expect(await pool.offer({ runId: 'run-a', taskId: 'task-1', executor: 'patch-agent' })).toEqual({ runners: 0, offered: false });
    const woken = await runInDurableObject(pool, (_, ctx) => {
      const db = openDoDb(ctx.storage);
      return { pending: pendingOffers(db), claimed: getOffer(db, 'run-b'), journal: journal(ctx.storage.sql) };
    });
    expect(woken.pending).toEqual([
      { runId: 'run-a', taskId: 'task-1', executor: 'patch-agent', createdAt: t0 - 3_000, offeredTo: null, offeredAt: null, claimId: null, assignment: null, rejectedBy: ['runner-x'] },
      { runId: 'run-c', taskId: 'task-2', executor: 'patch-agent', createdAt: t0 - 3_000, offeredTo: null, offeredAt: null, claimId: null, assignment: null, rejectedBy: [] },
    ]);
    expect(woken.claimed).toEqual({ runId: 'run-b', taskId: 'task-1', executor: 'claude-code', createdAt: t0 - 2_000, offeredTo: 'runner-y', offeredAt: t0 - 1_000, claimId: 'claim-1', assignment: 1, rejectedBy: [] });
    expect(woken.journal).toEqual([baseline(poolMigrations)]);
  });
});
