/** One call's tokens, as a usage reader reports them (usage-tap.ts) and pricing.ts prices them. */
export interface Tokens {
  /** Every input token the call processed, cache writes and reads included. */
  input: number;
  output: number;
  /** Of `input`: tokens written to / read from the provider's prompt cache. */
  cacheWrite?: number;
  cacheRead?: number;
}
