/**
 * /v1/model-profiles: CRUD scoped to the user. The API key is encrypted before it reaches D1
 * and never returned (only `keyHint`).
 */
import { Hono } from 'hono';
import { CreateModelProfileRequest, UpdateModelProfileRequest } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { toModelProfile } from '../db/mappers.ts';
import {
  deleteModelProfile, getModelProfile, insertModelProfile, listModelProfiles, updateModelProfile,
} from '../db/queries/model-profiles.ts';
import type { ModelProfileRow } from '../db/rows.ts';
import { requireUser } from '../middleware/auth.ts';
import { idempotent } from '../middleware/idempotency.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { keyHint, resolveBaseUrl } from '../lib/provider-urls.ts';
import { testProfile } from '../lib/profile-test.ts';
import { decryptSecret, encryptSecret } from '../lib/secret-box.ts';
import { allowPrivateUrls } from '../lib/url-policy.ts';
import { jsonBody } from '../lib/validate.ts';

export const modelProfileRoutes = new Hono<AppEnv>()
  .get('/', requireUser, async (c) => {
    const rows = await listModelProfiles(getDb(c.env.DB), c.get('user').id);
    return c.json({ modelProfiles: rows.map(toModelProfile) });
  })
  .post('/', requireUser, jsonBody(CreateModelProfileRequest), idempotent(), async (c) => {
    const body = c.req.valid('json');
    const now = Date.now();
    const row: ModelProfileRow = {
      id: newId(),
      userId: c.get('user').id,
      provider: body.provider,
      model: body.model,
      displayName: body.displayName ?? body.model,
      baseUrl: resolveBaseUrl(body.provider, body.baseUrl, allowPrivateUrls(c.env)),
      apiKeyEnc: await encryptSecret(c.env.DURSOR_ENCRYPTION_KEY, body.apiKey),
      keyHint: keyHint(body.apiKey),
      wireApi: body.wireApi ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await insertModelProfile(getDb(c.env.DB), row);
    return c.json({ modelProfile: toModelProfile(row) }, 201);
  })
  .patch('/:id', requireUser, jsonBody(UpdateModelProfileRequest), async (c) => {
    const db = getDb(c.env.DB);
    const existing = await getModelProfile(db, c.get('user').id, c.req.param('id'));
    if (!existing) throw notFound('model profile');
    const body = c.req.valid('json');
    const provider = body.provider ?? existing.provider;
    // A new provider without a new baseUrl takes that provider's default (or must name one).
    const givenUrl = body.baseUrl ?? (provider === existing.provider ? existing.baseUrl : undefined);
    const row: ModelProfileRow = {
      ...existing,
      provider,
      model: body.model ?? existing.model,
      displayName: body.displayName ?? existing.displayName,
      baseUrl: resolveBaseUrl(provider, givenUrl, allowPrivateUrls(c.env)),
      ...(body.apiKey !== undefined
        ? { apiKeyEnc: await encryptSecret(c.env.DURSOR_ENCRYPTION_KEY, body.apiKey), keyHint: keyHint(body.apiKey) }
        : {}),
      updatedAt: Date.now(),
    };
    await updateModelProfile(db, row);
    return c.json({ modelProfile: toModelProfile(row) });
  })
  .post('/:id/test', requireUser, async (c) => {
    const profile = await getModelProfile(getDb(c.env.DB), c.get('user').id, c.req.param('id'));
    if (!profile) throw notFound('model profile');
    return c.json({ test: await testProfile(profile, await decryptSecret(c.env.DURSOR_ENCRYPTION_KEY, profile.apiKeyEnc)) });
  })
  .delete('/:id', requireUser, async (c) => {
    const deleted = await deleteModelProfile(getDb(c.env.DB), c.get('user').id, c.req.param('id'));
    if (!deleted) throw notFound('model profile');
    return c.json({ ok: true as const });
  });
