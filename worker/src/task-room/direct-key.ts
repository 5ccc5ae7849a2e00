/**
 * The Cursor agent cannot be pointed at dursor's gateway, so its runner gets the user's key in the
 * assignment (`executor.directApiKey`) — the one documented exception to "keys never leave the
 * Worker". The key is read and decrypted here at claim time (run → model profile in D1) and goes
 * only into the assignment sent to the runner: never into TaskRoom's storage, events or D1 rows.
 */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { ExecutorSpec } from '../../../protocol/src/index.ts';
import { modelProfiles, runs } from '../db/schema.ts';
import { decryptSecret } from '../lib/secret-box.ts';
import type { Room } from './room.ts';

/** The spec to send; throws a readable Error when the key cannot be had. */
export async function withDirectKey(room: Room, runId: string, spec: ExecutorSpec): Promise<ExecutorSpec> {
  if (spec.id !== 'cursor-agent') return spec;
  const row = await drizzle(room.env.DB).select({ enc: modelProfiles.apiKeyEnc }).from(runs)
    .innerJoin(modelProfiles, eq(modelProfiles.id, runs.modelProfileId))
    .where(eq(runs.id, runId)).get();
  if (!row) throw new Error('its Cursor model profile no longer exists');
  try {
    return { ...spec, directApiKey: await decryptSecret(room.env.DURSOR_ENCRYPTION_KEY, row.enc) };
  } catch {
    throw new Error('the Cursor key of its model profile could not be decrypted');
  }
}
