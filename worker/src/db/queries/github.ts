/**
 * D1 side of the GitHub connection: the user's connection row, app-manifest states, the
 * installation-token cache and webhook delivery ids. Secrets arrive and leave encrypted.
 */
import { and, eq, gt, isNotNull, lt } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { GitHubConnectionRow } from '../rows.ts';
import { githubConnections, githubDeliveries, githubManifestStates, githubTokenCache } from '../schema.ts';

export async function getConnection(db: Db, userId: string): Promise<GitHubConnectionRow | undefined> {
  return db.select().from(githubConnections).where(eq(githubConnections.userId, userId)).get();
}

/** Connections that can verify webhooks (a secret is configured). */
export async function connectionsWithWebhookSecret(db: Db): Promise<GitHubConnectionRow[]> {
  return db.select().from(githubConnections).where(isNotNull(githubConnections.webhookSecretEnc));
}

/** One connection per user: a new one replaces the old (and its cached tokens). */
export async function putConnection(db: Db, row: GitHubConnectionRow): Promise<void> {
  const old = await getConnection(db, row.userId);
  await db.batch([
    db.delete(githubConnections).where(eq(githubConnections.userId, row.userId)),
    db.insert(githubConnections).values(row),
  ]);
  if (old) await forgetTokens(db, old.id);
}

export async function deleteConnection(db: Db, userId: string): Promise<boolean> {
  const old = await getConnection(db, userId);
  if (!old) return false;
  await db.delete(githubConnections).where(eq(githubConnections.id, old.id));
  await forgetTokens(db, old.id);
  return true;
}

// ---------- app-manifest flow ----------

export async function insertManifestState(db: Db, row: typeof githubManifestStates.$inferInsert): Promise<void> {
  await db.delete(githubManifestStates).where(lt(githubManifestStates.expiresAt, Date.now()));
  await db.insert(githubManifestStates).values(row);
}

/** Returns and deletes the state (one use), if it exists, is the user's and has not expired. */
export async function takeManifestState(db: Db, state: string, userId: string) {
  const row = await db.select().from(githubManifestStates)
    .where(and(eq(githubManifestStates.state, state), eq(githubManifestStates.userId, userId), gt(githubManifestStates.expiresAt, Date.now())))
    .get();
  if (row) await db.delete(githubManifestStates).where(eq(githubManifestStates.state, state));
  return row;
}

// ---------- installation-token cache ----------

export async function readCachedToken(db: Db, key: string): Promise<{ valueEnc: string; expiresAt: number } | undefined> {
  return db.select({ valueEnc: githubTokenCache.valueEnc, expiresAt: githubTokenCache.expiresAt })
    .from(githubTokenCache).where(eq(githubTokenCache.key, key)).get();
}

export async function writeCachedToken(db: Db, key: string, valueEnc: string, expiresAt: number): Promise<void> {
  await db.insert(githubTokenCache).values({ key, valueEnc, expiresAt })
    .onConflictDoUpdate({ target: githubTokenCache.key, set: { valueEnc, expiresAt } });
}

async function forgetTokens(db: Db, connectionId: string): Promise<void> {
  // Keys are `<connection id>|<auth-app cache key>`; '|' sorts after every id character.
  await db.delete(githubTokenCache)
    .where(and(gt(githubTokenCache.key, `${connectionId}|`), lt(githubTokenCache.key, `${connectionId}}`)));
}

// ---------- webhook deliveries ----------

/** Records a delivery id; false when it was seen before (a redelivery). */
export async function firstDelivery(db: Db, id: string, event: string): Promise<boolean> {
  const res = await db.insert(githubDeliveries).values({ id, event, receivedAt: Date.now() }).onConflictDoNothing().run();
  return res.meta.changes > 0;
}
