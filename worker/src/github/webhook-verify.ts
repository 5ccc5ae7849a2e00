/**
 * Who sent a webhook: the connection whose webhook secret makes the `X-Hub-Signature-256` HMAC
 * match the raw body (@octokit/webhooks-methods, constant-time). With no secret configured
 * anywhere, or no match, the delivery is refused — nothing in it is trusted or acted on.
 */
import { verify } from '@octokit/webhooks-methods';
import type { Db } from '../db/client.ts';
import { connectionsWithWebhookSecret } from '../db/queries/github.ts';
import type { GitHubConnectionRow } from '../db/rows.ts';
import { HttpError } from '../lib/errors.ts';
import { decryptSecret } from '../lib/secret-box.ts';

export async function verifiedSender(db: Db, secret: string, body: string, signature: string | undefined): Promise<GitHubConnectionRow> {
  const candidates = await connectionsWithWebhookSecret(db);
  if (!candidates.length) throw new HttpError(401, 'webhook_not_configured', 'no webhook secret is configured: connect GitHub in Settings first');
  if (!signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
    throw new HttpError(401, 'bad_signature', 'X-Hub-Signature-256 is missing or malformed');
  }
  for (const conn of candidates) {
    const webhookSecret = await decryptSecret(secret, conn.webhookSecretEnc!);
    if (await verify(webhookSecret, body, signature)) return conn;
  }
  throw new HttpError(401, 'bad_signature', 'X-Hub-Signature-256 does not match any configured webhook secret');
}
