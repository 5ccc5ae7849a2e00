/**
 * Who may use the gateway: the bearer of a valid, unexpired per-run token (run-token.ts) whose
 * run still exists, belongs to the token's task, is not finished, and whose model profile speaks
 * the route's protocol (openai route ↔ openai / openai-compatible, anthropic ↔ anthropic,
 * google ↔ google). Returns the run, its task's budget, the profile and its decrypted key; the key
 * goes only into the upstream request.
 */
import { isTerminal } from '../../../protocol/src/index.ts';
import type { RunStatus } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { getModelProfileById } from '../db/queries/model-profiles.ts';
import { getGatewayRun } from '../db/queries/runs.ts';
import type { GatewayRun } from '../db/queries/runs.ts';
import type { ModelProfileRow } from '../db/rows.ts';
import type { Env } from '../env.ts';
import { HttpError } from '../lib/errors.ts';
import { verifyRunToken } from '../lib/run-token.ts';
import { decryptSecret, encryptionKeyBytes } from '../lib/secret-box.ts';
import { familyOf } from './families.ts';
import type { Family } from './families.ts';
import { GatewayError } from './refusals.ts';

export interface RunAccess extends GatewayRun {
  profile: ModelProfileRow;
  apiKey: string;
}

const refused = (code: string, message: string) => new GatewayError(401, code, message);

/**
 * The active run a per-run token stands for (the gateway and the git-credential route), or a
 * refusal: missing, forged, expired, or its run gone or finished.
 */
export async function authorizeRunToken(env: Env, token: string | undefined, db = getDb(env.DB)): Promise<GatewayRun> {
  try {
    // Without a real key every token would verify against the empty secret: refuse outright.
    encryptionKeyBytes(env.DURSOR_ENCRYPTION_KEY);
  } catch (err) {
    throw new GatewayError(500, 'server_misconfigured', err instanceof HttpError ? err.message : 'server misconfigured');
  }
  if (!token) throw refused('missing_api_key', 'no run token: send it as the API key (the runner sets it)');
  const claims = await verifyRunToken(env.DURSOR_ENCRYPTION_KEY, token);
  if (!claims) throw refused('invalid_api_key', 'the run token is invalid or expired');
  const found = await getGatewayRun(db, claims.runId);
  if (!found || found.run.taskId !== claims.taskId) throw refused('invalid_api_key', 'the run token does not match a run');
  if (isTerminal(found.run.status as RunStatus)) throw refused('run_not_active', `run ${found.run.id} has finished; its token no longer works`);
  return found;
}

export async function authorizeRun(env: Env, family: Family, token: string | undefined): Promise<RunAccess> {
  const db = getDb(env.DB);
  const found = await authorizeRunToken(env, token, db);
  const { run, userId } = found;
  const profile = run.modelProfileId ? await getModelProfileById(db, run.modelProfileId) : undefined;
  if (!profile || profile.userId !== userId) {
    throw new GatewayError(400, 'model_profile_missing', 'the run has no model profile (it may have been deleted)');
  }
  if (familyOf(profile.provider) !== family) {
    throw new GatewayError(403, 'provider_mismatch', `this is the ${family} gateway; the run's model profile is ${profile.provider}`);
  }
  let apiKey: string;
  try {
    apiKey = await decryptSecret(env.DURSOR_ENCRYPTION_KEY, profile.apiKeyEnc);
  } catch (err) {
    throw new GatewayError(500, 'server_misconfigured', err instanceof HttpError ? err.message : 'the API key could not be read');
  }
  return { ...found, profile, apiKey };
}
