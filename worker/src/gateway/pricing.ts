/**
 * Cost of one call: tokens × the price table's micro-dollars per million tokens, in integer math
 * (BigInt: 10^7 tokens × 10^10 µ$/MTok overflows a double's exact range), rounded up so a call is
 * never free by rounding. No price row → cost 0. Prompt-cache tokens (Anthropic) are input tokens
 * priced as Anthropic bills them: writes ×1.25, reads ×0.1 of the input price.
 */
import type { PriceRow } from '../db/queries/prices.ts';
import type { Tokens } from './tokens.ts';

export type { Tokens } from './tokens.ts';

/** Input price weights in hundredths: plain input, cache write, cache read. */
const WEIGHT = { plain: 100n, cacheWrite: 125n, cacheRead: 10n };

const MILLION = 1_000_000n;

export function costMicros(tokens: Tokens, price: PriceRow | undefined): number {
  if (!price) return 0;
  const write = BigInt(tokens.cacheWrite ?? 0);
  const read = BigInt(tokens.cacheRead ?? 0);
  const plain = BigInt(tokens.input) - write - read;
  const weightedInput = plain * WEIGHT.plain + write * WEIGHT.cacheWrite + read * WEIGHT.cacheRead;
  const total = weightedInput * BigInt(price.inputMicrosPerMTok) + 100n * BigInt(tokens.output) * BigInt(price.outputMicrosPerMTok);
  const scale = 100n * MILLION;
  return Number((total + scale - 1n) / scale);
}

/** micro-dollars → "$0.0123" (up to six decimals, trailing zeros dropped). */
export function formatUsd(micros: number): string {
  return `$${(micros / 1e6).toFixed(6).replace(/\.?0+$/, '')}`;
}
