/**
 * The one row format every benchmark reports its headline figures in, so `npm run bench`
 * (bench/run.ts) can print them all as one table.
 *
 * A row is a measure, its figure, the baseline measured in the same run (the ratio is what the
 * figure means on a noisy, shared machine; absolute numbers are not comparable across runs), and
 * the goal the ratio or figure is held to, if any. A bench prints its own detailed output as it
 * likes and calls `reportRow` for each headline figure: the row is printed, and appended as one
 * JSON line to `$DURSOR_BENCH_ROWS` when bench/run.ts set it.
 */
import { appendFileSync } from 'node:fs';

export interface BenchRow {
  /** Which bench, e.g. `git`; set by reportRow from the caller's argument. */
  bench: string;
  measure: string;
  /** The figure with its unit, e.g. `104 ms`, `49.9 kB`. */
  figure: string;
  /** The baseline with its unit and what it is, e.g. `HTTP round trip 9.8 ms`. */
  baseline: string;
  /** figure / baseline, the number to compare across runs. */
  ratio: number;
  /** The goal, in words (`≤ ×1.5`, `≤ 1 s`), or '' when the issue sets none. */
  goal?: string;
  /** Whether the goal is met; undefined when there is no goal. */
  met?: boolean;
}

export function reportRow(bench: string, row: Omit<BenchRow, 'bench'>): void {
  const full: BenchRow = { bench, ...row };
  const verdict = full.met === undefined ? '' : full.met ? ' → PASS' : ' → OVER';
  console.log(`[${bench}] ${full.measure}: ${full.figure} | baseline ${full.baseline} | ×${formatRatio(full.ratio)}${full.goal ? ` | goal ${full.goal}` : ''}${verdict}`);
  const out = process.env.DURSOR_BENCH_ROWS;
  if (out) appendFileSync(out, `${JSON.stringify(full)}\n`);
}

export const formatRatio = (r: number): string => (Number.isFinite(r) ? (r >= 10 ? r.toFixed(1) : r.toFixed(2)) : '—');

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
