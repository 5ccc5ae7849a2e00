/**
 * WebSocket forwarding to a Durable Object. The Worker authenticates, then hands the original
 * upgrade to the DO with identity headers it set itself; client-sent X-Dursor-* headers,
 * cookies and bearer secrets are dropped so the DO never sees (or trusts) them.
 */
import type { Context } from 'hono';
import { HttpError } from './errors.ts';

export function requireUpgrade(c: Context): void {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new HttpError(426, 'upgrade_required', 'this route only accepts a WebSocket upgrade (Upgrade: websocket)');
  }
}

export function internalUpgrade(original: Request, url: string, identity: Record<string, string>): Request {
  const headers = new Headers();
  for (const [name, value] of original.headers) {
    const n = name.toLowerCase();
    if (n === 'cookie' || n === 'authorization' || n.startsWith('x-dursor-')) continue;
    headers.set(name, value);
  }
  for (const [name, value] of Object.entries(identity)) headers.set(name, value);
  return new Request(url, { method: 'GET', headers });
}

/** A non-negative integer query parameter, or the fallback when absent. */
export function intParam(raw: string | undefined, name: string, fallback: number | null, min = 0): number {
  if (raw === undefined || raw === '') {
    if (fallback === null) throw new HttpError(400, 'invalid_request', `${name}: required`);
    return fallback;
  }
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min) {
    throw new HttpError(400, 'invalid_request', `${name}: must be an integer ≥ ${min}`);
  }
  return Number(raw);
}
