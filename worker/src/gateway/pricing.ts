/**
 * Cost of one call: tokens × the price table's micro-dollars per million tokens, in integer math
 * (BigInt: 10^7 tokens × 10^10 µ$/MTok overflows a double's exact range), rounded up so a call is
 * never free by rounding. No price row → cost 0.
 */
import type { PriceRow } from '../db/queries/prices.ts';

export interface Tokens {
  input: number;
  output: number;
}

const MILLION = 1_000_000n;

export function costMicros(tokens: Tokens, price: PriceRow | undefined): number {
  if (!price) return 0;
  const total = BigInt(tokens.input) * BigInt(price.inputMicrosPerMTok) + BigInt(tokens.output) * BigInt(price.outputMicrosPerMTok);
  return Number((total + MILLION - 1n) / MILLION);
}

/** micro-dollars → "$0.0123" (up to six decimals, trailing zeros dropped). */
export function formatUsd(micros: number): string {
  return `$${(micros / 1e6).toFixed(6).replace(/\.?0+$/, '')}`;
}
