/**
 * Per-run tokens for the LLM gateway (docs/architecture.md §3): `drt_<payload>.<sig>` where payload is
 * base64url JSON `{ runId, taskId, exp }` and sig is HMAC-SHA256 over it with a key derived from
 * DURSOR_ENCRYPTION_KEY. The gateway also checks that the run is still active, so a token dies
 * with its run even before `exp`.
 */
export interface RunTokenClaims {
  runId: string;
  taskId: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

const PREFIX = 'drt_';
const enc = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function fromB64url(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  // Domain-separate from the AES key that uses the same secret.
  const material = await crypto.subtle.digest('SHA-256', enc.encode(`dursor-run-token:${secret}`));
  return crypto.subtle.importKey('raw', material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export async function signRunToken(secret: string, claims: RunTokenClaims): Promise<string> {
  const payload = b64url(enc.encode(JSON.stringify(claims)));
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(payload));
  return `${PREFIX}${payload}.${b64url(new Uint8Array(sig))}`;
}

/** Returns the claims of a valid, unexpired token, else null. */
export async function verifyRunToken(secret: string, token: string, now = Date.now()): Promise<RunTokenClaims | null> {
  if (!token.startsWith(PREFIX)) return null;
  const [payload, sig] = token.slice(PREFIX.length).split('.');
  if (!payload || !sig) return null;
  try {
    const ok = await crypto.subtle.verify('HMAC', await hmacKey(secret), fromB64url(sig), enc.encode(payload));
    if (!ok) return null;
    const claims = JSON.parse(new TextDecoder().decode(fromB64url(payload))) as RunTokenClaims;
    if (typeof claims.runId !== 'string' || typeof claims.exp !== 'number' || claims.exp < now) return null;
    return claims;
  } catch {
    return null;
  }
}
