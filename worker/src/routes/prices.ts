/**
 * /v1/prices: the price table the LLM gateway costs calls with (USD per million tokens in the
 * API, micro-dollars in D1). Any user reads it; only the owner changes it. Model names may hold
 * '/' or ':' (OpenRouter ids, tags): send them URL-encoded; an unencoded '/' works too.
 */
import { Hono } from 'hono';
import { Provider, PutModelPriceRequest } from '../../../protocol/src/index.ts';
import type { ModelPrice } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import type { PriceRow } from '../db/queries/prices.ts';
import { deletePrice, listPrices, putPrice } from '../db/queries/prices.ts';
import { requireOwner, requireUser } from '../middleware/auth.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { badRequest, notFound } from '../lib/errors.ts';
import { jsonBody } from '../lib/validate.ts';

const toPrice = (r: PriceRow): ModelPrice => ({
  provider: r.provider as ModelPrice['provider'],
  model: r.model,
  inputUsdPerMTok: r.inputMicrosPerMTok / 1e6,
  outputUsdPerMTok: r.outputMicrosPerMTok / 1e6,
  updatedAt: r.updatedAt,
});

function target(provider: string, model: string): { provider: string; model: string } {
  const p = Provider.safeParse(provider);
  if (!p.success) throw badRequest(`provider: must be one of ${Provider.options.join(', ')}`);
  if (!model.trim() || model.length > 200) throw badRequest('model: 1 to 200 characters');
  return { provider: p.data, model };
}

const PATH = '/:provider/:model{.+}';

export const priceRoutes = new Hono<AppEnv>()
  .get('/', requireUser, async (c) => c.json({ prices: (await listPrices(getDb(c.env.DB))).map(toPrice) }))
  .put(PATH, requireUser, requireOwner, jsonBody(PutModelPriceRequest), async (c) => {
    const { provider, model } = target(c.req.param('provider'), c.req.param('model'));
    const body = c.req.valid('json');
    const row: PriceRow = {
      provider, model,
      inputMicrosPerMTok: Math.round(body.inputUsdPerMTok * 1e6),
      outputMicrosPerMTok: Math.round(body.outputUsdPerMTok * 1e6),
      updatedAt: Date.now(),
    };
    await putPrice(getDb(c.env.DB), row);
    return c.json({ price: toPrice(row) });
  })
  .delete(PATH, requireUser, requireOwner, async (c) => {
    const { provider, model } = target(c.req.param('provider'), c.req.param('model'));
    if (!(await deletePrice(getDb(c.env.DB), provider, model))) throw notFound(`price of ${provider}/${model}`);
    return c.json({ ok: true as const });
  });
