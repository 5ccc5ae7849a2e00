/**
 * POST /v1/github/webhook (public): GitHub's deliveries, HMAC-verified before anything is read;
 * a redelivery (same X-GitHub-Delivery) is answered without acting twice.
 */
import { Hono } from 'hono';
import { getDb } from '../db/client.ts';
import { firstDelivery } from '../db/queries/github.ts';
import { verifiedSender } from '../github/webhook-verify.ts';
import { handleEvent } from '../github/webhook-events.ts';
import type { AppEnv } from '../lib/app-env.ts';
import { badRequest } from '../lib/errors.ts';

export const githubWebhookRoutes = new Hono<AppEnv>()
  .post('/webhook', async (c) => {
    const body = await c.req.text();
    const db = getDb(c.env.DB);
    const conn = await verifiedSender(db, c.env.DURSOR_ENCRYPTION_KEY, body, c.req.header('x-hub-signature-256'));
    const event = c.req.header('x-github-event') ?? '';
    const delivery = c.req.header('x-github-delivery');
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      throw badRequest('the webhook body is not JSON (set the webhook content type to application/json)');
    }
    if (delivery && !(await firstDelivery(db, delivery.slice(0, 100), event))) return c.json({ ok: true as const, handled: 'duplicate delivery' });
    const outcome = await handleEvent({ env: c.env, db, conn, origin: new URL(c.req.url).origin }, event, payload);
    return c.json({ ok: true as const, ...outcome }, 202);
  });
