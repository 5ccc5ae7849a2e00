/**
 * Secrets at rest (docs/architecture.md §2, §7): AES-256-GCM with the key from DURSOR_ENCRYPTION_KEY (base64 of
 * 32 bytes), a random 96-bit IV per value, stored as base64(iv ‖ ciphertext+tag).
 * A missing or malformed key fails at use with a clear server_misconfigured error.
 */
import { fromBase64, toBase64 } from './base64.ts';
import { HttpError } from './errors.ts';

const enc = new TextEncoder();

export function misconfigured(): HttpError {
  return new HttpError(500, 'server_misconfigured',
    'DURSOR_ENCRYPTION_KEY is missing or is not base64 of 32 bytes; set it with `wrangler secret put` or .dev.vars');
}

/** Raw key bytes, or a server_misconfigured error. */
export function encryptionKeyBytes(secret: string | undefined): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = fromBase64((secret ?? '').trim());
  } catch {
    throw misconfigured();
  }
  if (raw.length !== 32) throw misconfigured();
  return raw;
}

async function aesKey(secret: string | undefined): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encryptionKeyBytes(secret), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function encryptSecret(secret: string | undefined, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(secret), enc.encode(plaintext)));
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return toBase64(out);
}

export async function decryptSecret(secret: string | undefined, stored: string): Promise<string> {
  const key = await aesKey(secret);
  try {
    const bytes = fromBase64(stored);
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, key, bytes.slice(12));
    return new TextDecoder().decode(pt);
  } catch {
    // Wrong key (rotated secret) or corrupted row: say so without echoing anything.
    throw new HttpError(500, 'secret_unreadable', 'a stored secret could not be decrypted with the current DURSOR_ENCRYPTION_KEY');
  }
}
