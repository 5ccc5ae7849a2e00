/**
 * The pool's queue of offered runs (DO SQLite). A row lives from `offer()` until the runner
 * accepts it, TaskRoom refuses the claim, or the run is withdrawn. `offered_to` is set before the
 * pool awaits TaskRoom.claim and `claim_id` names that attempt, so later updates only touch the
 * row if no re-offer replaced the attempt meanwhile. `rejected_by` survives re-offers so a runner
 * that declined a run is not asked again.
 */
import type { RunOffer } from '../task-room/types.ts';

export interface OfferRow {
  runId: string;
  taskId: string;
  executor: string;
  createdAt: number;
  offeredTo: string | null;
  offeredAt: number | null;
  claimId: string | null;
  assignment: number | null;
  rejectedBy: string[];
}

export function ensureSchema(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS offers (
    run_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    executor TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    offered_to TEXT,
    offered_at INTEGER,
    claim_id TEXT,
    assignment INTEGER,
    rejected_by TEXT NOT NULL DEFAULT '[]'
  )`);
}

type Row = Record<string, SqlStorageValue>;
const fromRow = (r: Row): OfferRow => ({
  runId: r.run_id as string,
  taskId: r.task_id as string,
  executor: r.executor as string,
  createdAt: r.created_at as number,
  offeredTo: (r.offered_to as string | null) ?? null,
  offeredAt: (r.offered_at as number | null) ?? null,
  claimId: (r.claim_id as string | null) ?? null,
  assignment: (r.assignment as number | null) ?? null,
  rejectedBy: JSON.parse(r.rejected_by as string) as string[],
});

/** Insert, or re-open an existing offer (keeping its queue position and rejected_by). */
export function upsertOffer(sql: SqlStorage, offer: RunOffer, now: number): void {
  sql.exec(
    `INSERT INTO offers (run_id, task_id, executor, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(run_id) DO UPDATE SET task_id = excluded.task_id, executor = excluded.executor,
       offered_to = NULL, offered_at = NULL, claim_id = NULL, assignment = NULL`,
    offer.runId, offer.taskId, offer.executor, now,
  );
}

export function getOffer(sql: SqlStorage, runId: string): OfferRow | null {
  const rows = sql.exec<Row>('SELECT * FROM offers WHERE run_id = ?', runId).toArray();
  return rows[0] ? fromRow(rows[0]) : null;
}

export function deleteOffer(sql: SqlStorage, runId: string, claimId?: string): void {
  if (claimId === undefined) sql.exec('DELETE FROM offers WHERE run_id = ?', runId);
  else sql.exec('DELETE FROM offers WHERE run_id = ? AND claim_id = ?', runId, claimId);
}

/** Offers waiting for a runner, oldest first. */
export function pendingOffers(sql: SqlStorage): OfferRow[] {
  return sql.exec<Row>('SELECT * FROM offers WHERE offered_to IS NULL ORDER BY created_at, rowid').toArray().map(fromRow);
}

/** Offers handed to `runnerId` and not yet accepted. */
export function offersTo(sql: SqlStorage, runnerId: string): OfferRow[] {
  return sql.exec<Row>('SELECT * FROM offers WHERE offered_to = ? ORDER BY created_at, rowid', runnerId).toArray().map(fromRow);
}

export function unacceptedCounts(sql: SqlStorage): Map<string, number> {
  const rows = sql.exec<{ r: string; n: number }>('SELECT offered_to AS r, COUNT(*) AS n FROM offers WHERE offered_to IS NOT NULL GROUP BY offered_to').toArray();
  return new Map(rows.map((x) => [x.r, x.n]));
}

export function markOffered(sql: SqlStorage, runId: string, runnerId: string, claimId: string, now: number): void {
  sql.exec('UPDATE offers SET offered_to = ?, offered_at = ?, claim_id = ?, assignment = NULL WHERE run_id = ?', runnerId, now, claimId, runId);
}

/** Record the claimed assignment; false if the claim attempt was superseded meanwhile. */
export function setAssignment(sql: SqlStorage, runId: string, claimId: string, assignment: number): boolean {
  return sql.exec('UPDATE offers SET assignment = ? WHERE run_id = ? AND claim_id = ?', assignment, runId, claimId).rowsWritten > 0;
}

/** Put the offer back in the queue, unless a newer attempt replaced `claimId`. */
export function clearOffer(sql: SqlStorage, runId: string, claimId: string): void {
  sql.exec('UPDATE offers SET offered_to = NULL, offered_at = NULL, claim_id = NULL, assignment = NULL WHERE run_id = ? AND claim_id = ?', runId, claimId);
}

export function addRejected(sql: SqlStorage, runId: string, runnerId: string): void {
  const offer = getOffer(sql, runId);
  if (!offer || offer.rejectedBy.includes(runnerId)) return;
  sql.exec('UPDATE offers SET rejected_by = ? WHERE run_id = ?', JSON.stringify([...offer.rejectedBy, runnerId]), runId);
}
