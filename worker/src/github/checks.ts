/**
 * Check runs and commit statuses of a PR's head, from webhooks (`check_run`, `status`) or read
 * back on refresh, as pr_checks rows. A status' state becomes status `pending`/`completed` with
 * the state as its conclusion, so the UI reads both kinds alike.
 */
import type { PrCheck } from '../../../protocol/src/index.ts';
import type { PrCheckRow } from '../db/rows.ts';
import { ownerRepo, type Kit } from './client.ts';
import { github } from './errors.ts';

export interface GhCheckRun { name: string; status: string; conclusion: string | null; html_url?: string | null; head_sha: string }
export interface GhStatus { context: string; state: string; target_url?: string | null }

export const checkRunRow = (prId: string, c: GhCheckRun, now = Date.now()): PrCheckRow => ({
  prId, kind: 'check_run', name: c.name, status: c.status, conclusion: c.conclusion ?? null,
  url: c.html_url ?? null, headSha: c.head_sha, updatedAt: now,
});

export const statusRow = (prId: string, sha: string, s: GhStatus, now = Date.now()): PrCheckRow => ({
  prId, kind: 'status', name: s.context, status: s.state === 'pending' ? 'pending' : 'completed',
  conclusion: s.state === 'pending' ? null : s.state, url: s.target_url ?? null, headSha: sha, updatedAt: now,
});

export const toPrCheck = (r: PrCheckRow): PrCheck => ({
  kind: r.kind, name: r.name, status: r.status, conclusion: r.conclusion, url: r.url, headSha: r.headSha, updatedAt: r.updatedAt,
});

export async function readChecks(kit: Kit, fullName: string, prId: string, sha: string): Promise<PrCheckRow[]> {
  const where = { ...ownerRepo(fullName), ref: sha };
  const [runs, combined] = await github('reading the PR\'s checks', () => Promise.all([
    kit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...where, per_page: 100 }),
    kit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', where),
  ]));
  const now = Date.now();
  return [
    ...((runs.data as { check_runs: GhCheckRun[] }).check_runs ?? []).map((c) => checkRunRow(prId, c, now)),
    ...((combined.data as { statuses: GhStatus[] }).statuses ?? []).map((s) => statusRow(prId, sha, s, now)),
  ];
}
