/**
 * Which runner a presented runner credential opens, under rotation (issue 11; the design is in
 * worker/src/runner-pool/README.md, "Credential rotation"). Every pool connection is answered
 * with a fresh credential; the runner saves it and confirms, and the one it dialled with dies.
 *
 * - current  → that runner.
 * - pending  → that runner, and the pending one becomes current: only the process it was sent to
 *   can hold it, and presenting it proves it was saved (the confirm was lost to a crash or a drop).
 * - previous → only the pool socket decides (`admitPoolConnection`): a retired credential coming
 *   back means two processes held it. Anywhere else it is refused like an unknown one.
 */
import type { Db } from '../db/client.ts';
import {
  findRunnerByAnyCredential, flagCredentialConflict, promotePendingCredential, winBackCredential,
} from '../db/queries/runners.ts';
import type { RunnerRow } from '../db/rows.ts';
import { sha256Hex } from './hash.ts';
import { newSecret, TOKEN_PREFIX } from './ids.ts';

/**
 * How long after a takeover the runner it replaced may win its place back. The replaced runner
 * redials within seconds; a credential retired longer ago only raises the warning.
 */
export const WIN_BACK_MS = 10 * 60_000;

const UNKNOWN = 'unknown or revoked runner credential';
export const USED_TWICE = 'this runner credential was replaced by another connection (it was used from two places); the owner must remove this runner and register it again';

async function promoted(db: Db, row: RunnerRow, hash: string): Promise<RunnerRow | undefined> {
  if (row.pendingCredentialHash !== hash) return row;
  if (await promotePendingCredential(db, row.id, hash, null)) {
    return { ...row, previousCredentialHash: row.credentialHash, credentialHash: hash, pendingCredentialHash: null, credentialTakenOverAt: null };
  }
  // A newer connection replaced the pending credential meanwhile: this one never became the runner's.
  return undefined;
}

/** Any runner route except the pool socket: current or pending credentials only. */
export async function runnerByCredential(db: Db, credentialHash: string): Promise<RunnerRow | undefined> {
  const row = await findRunnerByAnyCredential(db, credentialHash);
  if (!row || row.previousCredentialHash === credentialHash) return undefined;
  return promoted(db, row, credentialHash);
}

export type PoolAdmission =
  | { ok: true; runner: RunnerRow; wonBack: boolean }
  | { ok: false; reason: string };

/**
 * The pool socket (`/v1/runners/connect`). A retired credential presented here is the credential
 * used from two places: the runner is flagged for its owner. If the connection that retired it
 * had replaced a live one of this runner (a copy took over) within WIN_BACK_MS, the one
 * presenting it — the runner that was replaced — wins the place back: every credential the
 * runner had is burned and this connection gets a fresh one at its hello. Otherwise (a stale
 * copy, or a second attempt) it is refused.
 */
export async function admitPoolConnection(db: Db, credentialHash: string, now: number): Promise<PoolAdmission> {
  const row = await findRunnerByAnyCredential(db, credentialHash);
  if (!row) return { ok: false, reason: UNKNOWN };
  if (row.previousCredentialHash !== credentialHash) {
    const runner = await promoted(db, row, credentialHash);
    return runner ? { ok: true, runner, wonBack: false } : { ok: false, reason: UNKNOWN };
  }
  const takenOver = row.credentialTakenOverAt !== null && now - row.credentialTakenOverAt <= WIN_BACK_MS;
  if (takenOver && await winBackCredential(db, row.id, credentialHash, await sha256Hex(newSecret(TOKEN_PREFIX.runnerCredential)), now)) {
    return { ok: true, runner: row, wonBack: true };
  }
  await flagCredentialConflict(db, row.id, now);
  return { ok: false, reason: USED_TWICE };
}
