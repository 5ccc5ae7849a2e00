/**
 * Identifiers and bearer secrets. Ids are 32 lowercase hex chars (URL-safe, fit branch names);
 * secrets carry a prefix that says what they open (`dat_` API token, `drr_` registration token,
 * `drc_` runner credential) so a misplaced one is recognised and refused with the right error.
 */
import { toBase64Url } from './base64.ts';

export function newId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

export const TOKEN_PREFIX = {
  apiToken: 'dat_',
  registrationToken: 'drr_',
  runnerCredential: 'drc_',
} as const;

/** A bearer secret: prefix + 256 random bits, base64url. Only its SHA-256 is stored. */
export function newSecret(prefix: string): string {
  return prefix + toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}
