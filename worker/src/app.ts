import { Hono } from 'hono';
import type { Env } from './env.ts';

export const app = new Hono<{ Bindings: Env }>().basePath('/v1').get('/health', (c) => c.json({ ok: true }));
