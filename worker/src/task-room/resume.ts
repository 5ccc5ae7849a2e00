/**
 * What a run claimed again after losing its runner continues from (Assignment.resume, protocol 2):
 * the patch agent's `turn` events of the run, read from the event log and folded in seq order —
 * turn n replaces whatever the chain held from n on (an assignment that started over supersedes
 * the turns it redoes; one that continued appends), a turn that does not follow on is ignored.
 * The resume is the longest prefix of whole turns (not `omitted`, with calls) that fits
 * LIMITS.resumeMaxBytes; the rest is counted in `turnsLeftOut` and will be run again. Present only
 * when an earlier assignment of the run reached `running` (a declined or never-started assignment
 * has nothing to continue). Turn events of an assignment that never got stored cannot be in it:
 * only finished turns whose frame was acked are continued from.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { LIMITS, TurnEvent, type Resume, type ResumeTurn } from '../../../protocol/src/index.ts';
import { events } from './schema.ts';
import type { RoomDb } from './storage.ts';

const UTF8 = new TextEncoder();

/** The run's `turn` events and whether any assignment reached `running`, oldest first. */
function readLog(db: RoomDb, runId: string): { started: boolean; turns: TurnEvent[] } {
  const type = sql`json_extract(${events.data}, '$.type')`;
  const rows = db
    .select({ data: events.data })
    .from(events)
    .where(and(eq(events.runId, runId), sql`(${type} = 'turn' OR (${type} = 'status' AND json_extract(${events.data}, '$.status') = 'running'))`))
    .orderBy(asc(events.seq))
    .all();
  let started = false;
  const turns: TurnEvent[] = [];
  for (const row of rows) {
    const parsed = TurnEvent.safeParse(row.data);
    if (parsed.success) turns.push(parsed.data);
    else started = true;
  }
  return { started, turns };
}

/** turn n drops turns ≥ n and takes their place; a turn past the end + 1 (a gap) is ignored. */
function fold(events: TurnEvent[]): TurnEvent[] {
  const chain: TurnEvent[] = [];
  for (const t of events) {
    if (t.turn > chain.length + 1) continue;
    chain.length = t.turn - 1;
    chain.push(t);
  }
  return chain;
}

export function buildResume(db: RoomDb, runId: string): Resume | undefined {
  const { started, turns: events } = readLog(db, runId);
  if (!started) return undefined;
  const chain = fold(events);
  const turns: ResumeTurn[] = [];
  let bytes = 0;
  for (const t of chain) {
    if (t.omitted || t.calls.length === 0 || t.baseCommit !== chain[0].baseCommit) break;
    const turn: ResumeTurn = { text: t.text, calls: t.calls, ...(t.tokens !== undefined ? { tokens: t.tokens } : {}) };
    bytes += UTF8.encode(JSON.stringify(turn)).length;
    if (bytes > LIMITS.resumeMaxBytes) break;
    turns.push(turn);
  }
  const left = chain.length - turns.length;
  return {
    turns,
    ...(turns.length > 0 && chain[0].baseCommit ? { baseCommit: chain[0].baseCommit } : {}),
    ...(left > 0 ? { turnsLeftOut: left } : {}),
  };
}
