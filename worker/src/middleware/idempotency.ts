/**
 * Idempotency-Key on create POSTs (docs/architecture.md §6: "a double submit makes one set of runs").
 * Keys are scoped to the user. The first request claims the key with a placeholder row
 * (INSERT … ON CONFLICT DO NOTHING — atomic in D1), runs, and stores its status and body.
 * A repeat replays the stored response with `Idempotent-Replayed: true`; a repeat that arrives
 * while the first is still running polls for up to WAIT_MS, then gets 409. The same key on
 * another route, or with another body, is a 422 (as the IETF Idempotency-Key draft and Stripe
 * answer): a replay must answer the request that was made, not a different one. Server errors
 * (5xx) release the key so the client can retry.
 * Responses that carry a secret (new tokens) are stored AES-GCM encrypted.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getDb } from '../db/client.ts';
import type { IdempotencyRow } from '../db/queries/idempotency.ts';
import { claimKey, purgeOldKeys, readKey, releaseKey, storeResponse, takeOverStale } from '../db/queries/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { badRequest, HttpError } from '../lib/errors.ts';
import { sha256Hex } from '../lib/hash.ts';
import { decryptSecret, encryptSecret } from '../lib/secret-box.ts';

const WAIT_MS = 5_000;
const POLL_MS = 100;
const MAX_POLLS = 80;
/** A placeholder this old belongs to a request that died; a repeat may take it over. */
const STALE_MS = 60_000;
const KEEP_MS = 24 * 3600 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;
const ENC_PREFIX = 'enc:';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function idempotent(opts: { sensitive?: boolean } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY_RE.test(key)) throw badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
    const db = getDb(c.env.DB);
    const userId = c.get('user').id;
    const route = `${c.req.method} ${c.req.path}`;
    // The body as sent (Hono keeps the text the validator parsed): a retry sends the same bytes.
    const requestHash = await sha256Hex(await c.req.text());

    const runAndStore = async (): Promise<void> => {
      try {
        await next();
      } catch (err) {
        await releaseKey(db, userId, key);
        throw err;
      }
      await remember(c, userId, key, opts.sensitive === true);
    };

    if (await claimKey(db, userId, key, route, requestHash, Date.now())) {
      await purgeOldKeys(db, userId, Date.now() - KEEP_MS);
      return runAndStore();
    }
    const deadline = Date.now() + WAIT_MS;
    for (let i = 0; i < MAX_POLLS; i++) {
      const row = await readKey(db, userId, key);
      if (!row) {
        // The first request failed with a 5xx and released the key: this one may claim it.
        if (await claimKey(db, userId, key, route, requestHash, Date.now())) return runAndStore();
        continue;
      }
      if (row.route !== route) {
        throw new HttpError(422, 'idempotency_key_reused', `this Idempotency-Key was already used for ${row.route}`);
      }
      // Rows from before the hash was kept have none; they are gone within a day.
      if (row.requestHash !== null && row.requestHash !== requestHash) {
        throw new HttpError(422, 'idempotency_key_reused',
          'this Idempotency-Key was already used with a different request body; use a new key for a new request');
      }
      if (row.status !== null) return replay(c, row);
      const now = Date.now();
      if (await takeOverStale(db, userId, key, now - STALE_MS, now)) return runAndStore();
      if (now >= deadline) break;
      await sleep(POLL_MS);
    }
    throw new HttpError(409, 'idempotency_in_progress', 'a request with this Idempotency-Key is still in progress; retry shortly');
  });
}

async function remember(c: Context<AppEnv>, userId: string, key: string, sensitive: boolean): Promise<void> {
  const db = getDb(c.env.DB);
  const res = c.res;
  try {
    if (res.status >= 500) {
      await releaseKey(db, userId, key);
      return;
    }
    const text = await res.clone().text();
    const body = sensitive ? ENC_PREFIX + await encryptSecret(c.env.DURSOR_ENCRYPTION_KEY, text) : text;
    await storeResponse(db, userId, key, res.status, body);
  } catch (err) {
    // The response itself is fine; only replay is lost. Free the key rather than block repeats.
    console.error('idempotency: could not store response', err instanceof Error ? err.message : String(err));
    await releaseKey(db, userId, key).catch(() => undefined);
  }
}

async function replay(c: Context<AppEnv>, row: IdempotencyRow): Promise<Response> {
  let body = row.body ?? '';
  if (body.startsWith(ENC_PREFIX)) body = await decryptSecret(c.env.DURSOR_ENCRYPTION_KEY, body.slice(ENC_PREFIX.length));
  return new Response(body, {
    status: row.status ?? 200,
    headers: { 'content-type': 'application/json; charset=UTF-8', 'idempotent-replayed': 'true' },
  });
}
