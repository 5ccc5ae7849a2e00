/**
 * Credential rotation on the pool socket (issue 11; README.md, "Credential rotation"). Each
 * connection of a runner that says `rotatesCredential` gets a fresh credential right after its
 * welcome, kept as the runner's pending one; when the runner says `credentialSaved` it becomes
 * current and the credential the runner dialled with is retired — marked as taken over when this
 * connection replaced a live one of the runner, so the replaced runner may win its place back
 * (lib/runner-credential.ts). The confirm counts only for the credential this socket was given.
 */
import { send } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { promotePendingCredential, setPendingCredential } from '../db/queries/runners.ts';
import { sha256Hex } from '../lib/hash.ts';
import { newSecret, TOKEN_PREFIX } from '../lib/ids.ts';
import type { Pool } from './pool.ts';
import { updateAttachment } from './runner-sockets.ts';
import type { RunnerAttachment } from './runner-sockets.ts';

export async function issueCredential(pool: Pool, ws: WebSocket, att: RunnerAttachment): Promise<void> {
  const credential = newSecret(TOKEN_PREFIX.runnerCredential);
  const hash = await sha256Hex(credential);
  try {
    // Stored before it is sent: a runner that saves it and crashes before confirming still gets in with it.
    await setPendingCredential(getDb(pool.env.DB), att.runnerId, hash);
  } catch (err) {
    // The runner keeps its current credential and is rotated at its next connection; the hello goes on.
    console.error('runner-pool: could not store a rotated credential', att.runnerId, String(err));
    return;
  }
  updateAttachment(ws, { issuedCredentialHash: hash });
  send(ws, 'poolToRunner', { type: 'credential', credential });
}

export async function onCredentialSaved(pool: Pool, ws: WebSocket, att: RunnerAttachment): Promise<void> {
  const hash = att.issuedCredentialHash;
  if (!hash) return;
  updateAttachment(ws, { issuedCredentialHash: undefined });
  try {
    // False when a newer connection of this runner issued its own meanwhile: that one decides.
    await promotePendingCredential(getDb(pool.env.DB), att.runnerId, hash, att.tookOver ? Date.now() : null);
  } catch (err) {
    // Not lost: the runner uses the saved credential from now on, and its first use promotes it.
    console.error('runner-pool: could not promote a saved credential', att.runnerId, String(err));
  }
}
