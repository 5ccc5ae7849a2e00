/**
 * /v1/runners: registration tokens (owner), runner registration (public, needs a registration
 * token), the runner list merged with each pool's live view, and the pool socket
 * (`/connect`, runner credential, admitted under rotation by lib/runner-credential.ts) forwarded
 * to the runner's RunnerPool.
 * Registration also accepts DURSOR_RUNNER_BOOTSTRAP_TOKEN (lib/bootstrap-token.ts).
 */
import { Hono } from 'hono';
import { CreateRegistrationTokenRequest, RegisterRunnerRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toRegistrationToken } from '../db/mappers.ts';
import {
  deleteRunner, findRegistrationToken, findRunnerByAnyCredential, insertRegistrationToken, insertRunner, listRegistrationTokens, touchRunner,
} from '../db/queries/runners.ts';
import type { RegistrationTokenRow } from '../db/rows.ts';
import { requireOwner, requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { BOOTSTRAP_CREATOR, BOOTSTRAP_POOL, isBootstrapToken } from '../lib/bootstrap-token.ts';
import { callDurable, runnerPoolStub } from '../durable/stubs.ts';
import { HttpError, notFound } from '../lib/errors.ts';
import { sha256Hex } from '../lib/hash.ts';
import { newId, newSecret, TOKEN_PREFIX } from '../lib/ids.ts';
import { HEADER_CREDENTIAL_WON_BACK, HEADER_POOL, HEADER_RUNNER_ID, HEADER_RUNNER_NAME } from '../lib/internal-headers.ts';
import { readBearer } from '../lib/credentials.ts';
import { admitPoolConnection } from '../lib/runner-credential.ts';
import { listRunnersWithLiveStatus } from '../lib/runner-list.ts';
import { internalUpgrade, requireUpgrade } from '../lib/upgrade.ts';
import { jsonBody } from '../lib/validate.ts';

export const runnerRoutes = new Hono<AppEnv>()
  .get('/', requireUser, async (c) => c.json({ runners: await listRunnersWithLiveStatus(c.env) }))
  .post('/registration-tokens', requireUser, requireOwner, jsonBody(CreateRegistrationTokenRequest),
    idempotent({ sensitive: true }), async (c) => {
      const body = c.req.valid('json');
      const token = newSecret(TOKEN_PREFIX.registrationToken);
      const now = Date.now();
      const row: RegistrationTokenRow = {
        id: newId(), tokenHash: await sha256Hex(token), pool: body.pool, createdBy: c.get('user').id,
        expiresAt: now + body.expiresInHours * 3600 * 1000, createdAt: now,
      };
      await insertRegistrationToken(getDb(c.env.DB), row);
      return c.json({ registrationToken: toRegistrationToken(row, token) }, 201);
    })
  .get('/registration-tokens', requireUser, requireOwner, async (c) => {
    const rows = await listRegistrationTokens(getDb(c.env.DB));
    return c.json({ registrationTokens: rows.map((r) => toRegistrationToken(r)) });
  })
  .post('/register', jsonBody(RegisterRunnerRequest), async (c) => {
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const now = Date.now();
    const reg = isBootstrapToken(c.env, body.registrationToken)
      ? { pool: BOOTSTRAP_POOL, createdBy: BOOTSTRAP_CREATOR, expiresAt: Infinity }
      : await findRegistrationToken(db, await sha256Hex(body.registrationToken));
    // One message for unknown and expired: a caller learns nothing about which tokens existed.
    if (!reg || reg.expiresAt <= now) throw new HttpError(401, 'invalid_registration_token', 'registration token is unknown or expired');
    const credential = newSecret(TOKEN_PREFIX.runnerCredential);
    const runnerId = newId();
    await insertRunner(db, {
      id: runnerId, name: body.name, pool: reg.pool, labels: JSON.stringify(body.labels), executors: '[]',
      protocolVersion: null, credentialHash: await sha256Hex(credential), createdBy: reg.createdBy,
      pendingCredentialHash: null, previousCredentialHash: null, credentialTakenOverAt: null, credentialConflictAt: null,
      lastSeenAt: null, createdAt: now,
    });
    return c.json({ runnerId, credential, pool: reg.pool }, 201);
  })
  // The owner's way out when a runner's credential was used from two places (issue 11): every
  // credential it had dies with the row, and its pool socket is closed; register it again after.
  .delete('/:id', requireUser, requireOwner, async (c) => {
    const row = await deleteRunner(getDb(c.env.DB), c.req.param('id'));
    if (!row) throw notFound('runner');
    await callDurable('runner pool', () => runnerPoolStub(c.env, row.pool).disconnect(row.id, 'the owner removed this runner'));
    return c.json({ ok: true as const });
  })
  .get('/connect', async (c) => {
    const bearer = readBearer(c);
    if (!bearer?.startsWith(TOKEN_PREFIX.runnerCredential)) {
      throw new HttpError(401, 'unauthorized', 'runner routes need Authorization: Bearer <runner credential (drc_…)>');
    }
    const hash = await sha256Hex(bearer);
    // Admission has effects (a retired credential may win its runner back), so only a real upgrade gets that far.
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket' && !await findRunnerByAnyCredential(getDb(c.env.DB), hash)) {
      throw new HttpError(401, 'unauthorized', 'unknown or revoked runner credential');
    }
    requireUpgrade(c);
    // Rotation and the credential used from two places: lib/runner-credential.ts.
    const admission = await admitPoolConnection(getDb(c.env.DB), hash, Date.now());
    if (!admission.ok) throw new HttpError(401, 'unauthorized', admission.reason);
    const { runner, wonBack } = admission;
    await touchRunner(getDb(c.env.DB), runner.id, Date.now());
    const req = internalUpgrade(c.req.raw, 'https://runner-pool/connect', {
      [HEADER_RUNNER_ID]: runner.id, [HEADER_RUNNER_NAME]: runner.name, [HEADER_POOL]: runner.pool,
      ...(wonBack ? { [HEADER_CREDENTIAL_WON_BACK]: '1' } : {}),
    });
    return callDurable('runner pool', () => runnerPoolStub(c.env, runner.pool).fetch(req));
  });
