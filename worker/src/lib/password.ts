/**
 * Password hashing (docs/architecture.md §2): PBKDF2-SHA256 via WebCrypto, 16-byte random salt per user,
 * 100 000 iterations — the most workerd allows (it refuses higher counts).
 */
import { fromBase64, toBase64 } from './base64.ts';
import { constantTimeEqual } from './hash.ts';

const ITERATIONS = 100_000;
const enc = new TextEncoder();

async function derive(password: string, salt: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ITERATIONS }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<{ hash: string; salt: string }> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { hash: toBase64(await derive(password, salt)), salt: toBase64(salt) };
}

export async function verifyPassword(password: string, hash: string, salt: string): Promise<boolean> {
  const actual = await derive(password, fromBase64(salt));
  return constantTimeEqual(actual, fromBase64(hash));
}

/** Burns the same time as a real check, so a login for an unknown email is not faster. */
export async function dummyPasswordCheck(password: string): Promise<void> {
  await derive(password, new Uint8Array(16));
}
