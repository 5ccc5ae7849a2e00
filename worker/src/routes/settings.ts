/**
 * /v1/settings/budgets: the user's default budgets (applied to new tasks and rounds that name
 * none) and what their tasks have cost. /v1/settings/url-policy: whether this deployment accepts
 * http and private repository / model URLs (read-only; the forms word their hints by it).
 */
import { Hono } from 'hono';
import { BudgetSettings } from '../../../protocol/src/index.ts';
import { getDb } from '../db/client.ts';
import { getBudgetDefaults, putBudgetDefaults, spendMicros } from '../db/queries/user-settings.ts';
import { requireUser } from '../middleware/auth.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { allowPrivateUrls } from '../lib/url-policy.ts';
import { jsonBody } from '../lib/validate.ts';

const DAY_MS = 86_400_000;
const usd = (micros: number | null) => (micros === null ? null : micros / 1e6);
const micros = (dollars: number | null) => (dollars === null ? null : Math.round(dollars * 1e6));

export const settingsRoutes = new Hono<AppEnv>()
  .get('/url-policy', requireUser, (c) => c.json({ urlPolicy: { allowPrivateUrls: allowPrivateUrls(c.env) } }))
  .get('/budgets', requireUser, async (c) => {
    const db = getDb(c.env.DB);
    const userId = c.get('user').id;
    const [d, spend] = await Promise.all([getBudgetDefaults(db, userId), spendMicros(db, userId, Date.now() - 30 * DAY_MS)]);
    return c.json({
      budgets: { defaultTaskBudgetUsd: usd(d.taskMicros), defaultRunBudgetUsd: usd(d.runMicros) },
      spend: { last30DaysUsd: spend.recent / 1e6, allTimeUsd: spend.all / 1e6, tasks: spend.tasks },
    });
  })
  .put('/budgets', requireUser, jsonBody(BudgetSettings), async (c) => {
    const body = c.req.valid('json');
    await putBudgetDefaults(getDb(c.env.DB), c.get('user').id, { taskMicros: micros(body.defaultTaskBudgetUsd), runMicros: micros(body.defaultRunBudgetUsd) });
    return c.json({ budgets: body });
  });
