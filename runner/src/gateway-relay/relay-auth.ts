/**
 * The relay's credential check and swap. An executor holds only its run's relay token, in whichever
 * place its SDK or CLI puts an API key — `Authorization: Bearer` (OpenAI SDK, Codex, the Anthropic
 * SDK), `x-api-key` (Anthropic, Claude Code), `x-goog-api-key` (Gemini SDK / CLI) or `?key=` (Gemini
 * REST). Every place that holds a value must hold the relay token (anything else is refused: the relay
 * must not carry someone else's credential to the Worker), and each gets the real run token instead,
 * in the same place, so the Worker's gateway reads it where it always did (worker/src/gateway/*.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type SwapResult =
  | { ok: true; headers: Record<string, string>; search: string }
  | { ok: false; reason: string };

const KEY_HEADERS = ['x-api-key', 'x-goog-api-key'] as const;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The raw query with its `key` parameter(s) swapped; other parameters keep their exact encoding. */
function swapQuery(search: string, check: (v: string) => boolean, to: string): { search: string; found: number; bad: number } {
  if (!search || search === '?') return { search, found: 0, bad: 0 };
  let found = 0;
  let bad = 0;
  const parts = search.slice(1).split('&').map((p) => {
    if (!p.startsWith('key=')) return p;
    found++;
    let value = '';
    try {
      value = decodeURIComponent(p.slice(4).replace(/\+/g, ' '));
    } catch { /* undecodable: not our token */ }
    if (!check(value)) bad++;
    return `key=${encodeURIComponent(to)}`;
  });
  return { search: `?${parts.join('&')}`, found, bad };
}

/**
 * Checks that the request carries `relayToken` and nothing else as a credential, and returns its
 * headers (flattened) and query with `runToken` in the same places.
 */
export function swapToken(incoming: IncomingHttpHeaders, search: string, relayToken: string, runToken: string): SwapResult {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(incoming)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const check = (v: string) => same(v, relayToken);
  let found = 0;
  let bad = 0;
  if (headers.authorization !== undefined) {
    found++;
    const m = /^Bearer\s+(.+)$/i.exec(headers.authorization.trim());
    if (!m || !check(m[1])) bad++;
    headers.authorization = `Bearer ${runToken}`;
  }
  for (const h of KEY_HEADERS) {
    if (headers[h] === undefined) continue;
    found++;
    if (!check(headers[h].trim())) bad++;
    headers[h] = runToken;
  }
  const q = swapQuery(search, check, runToken);
  found += q.found;
  bad += q.bad;
  if (found === 0) return { ok: false, reason: "no API key: send this run's relay token as the API key" };
  if (bad > 0) return { ok: false, reason: "the API key is not this run's relay token" };
  return { ok: true, headers, search: q.search };
}
