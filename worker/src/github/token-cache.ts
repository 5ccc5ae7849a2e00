/**
 * @octokit/auth-app's installation-token cache, kept in D1 so every isolate shares it: a token is
 * served until shortly before it expires — five minutes for GitHub's one-hour tokens, a quarter
 * of the lifetime for shorter ones — then auth-app asks GitHub for a new one. Values (which hold
 * the token) are stored AES-GCM encrypted.
 * Keys are `<connection id>|<auth-app's key>`, and auth-app's key is the installation id, the
 * repository ids and names and the permissions the token was asked for — so a token narrowed to
 * one repository and `contents: write` (client.ts `gitToken`) is only ever served again for that
 * same repository and permission set, never for another repo or the Worker's own calls (issue
 * "Seal every attempt"; github-git-credential.test.ts checks it against the fake GitHub).
 */
import type { Db } from '../db/client.ts';
import { readCachedToken, writeCachedToken } from '../db/queries/github.ts';
import { decryptSecret, encryptSecret } from '../lib/secret-box.ts';

const MAX_MARGIN_MS = 5 * 60_000;

/** auth-app's cache value: `token|createdAt|expiresAt|selection|permissions|singleFile`. */
function times(value: string): { createdAt: number; expiresAt: number } {
  const [, createdAt, expiresAt] = value.split('|');
  return { createdAt: Date.parse(createdAt ?? ''), expiresAt: Date.parse(expiresAt ?? '') };
}

/** How long before expiry a token stops being handed out. */
export function renewalMargin(createdAt: number, expiresAt: number): number {
  const lifetime = expiresAt - createdAt;
  return Number.isFinite(lifetime) && lifetime > 0 ? Math.min(MAX_MARGIN_MS, lifetime / 4) : MAX_MARGIN_MS;
}

export interface AuthAppCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export function d1TokenCache(db: Db, secret: string, connectionId: string, now: () => number = Date.now): AuthAppCache {
  const rowKey = (key: string) => `${connectionId}|${key}`;
  return {
    async get(key) {
      const row = await readCachedToken(db, rowKey(key));
      if (!row) return undefined;
      let value: string;
      try {
        value = await decryptSecret(secret, row.valueEnc);
      } catch {
        return undefined;
      }
      const { createdAt, expiresAt } = times(value);
      return now() < expiresAt - renewalMargin(createdAt, expiresAt) ? value : undefined;
    },
    async set(key, value) {
      const { expiresAt } = times(value);
      await writeCachedToken(db, rowKey(key), await encryptSecret(secret, value), Number.isFinite(expiresAt) ? expiresAt : now());
    },
  };
}
