/**
 * The Hono app under /v1 (docs/architecture.md §1, protocol/README.md route table): chained sub-apps so the
 * typed client (`hc<AppType>`) works for the web app. Cross-cutting: cross-origin refusal
 * (middleware/same-origin.ts), request body limit, one JSON error shape for every failure, JSON
 * 404 for unknown routes.
 */
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LIMITS } from '../../protocol/src/index.ts';
import { anthropicGateway } from './gateway/anthropic.ts';
import { googleGateway } from './gateway/google.ts';
import { openaiGateway } from './gateway/openai.ts';
import type { AppEnv } from './lib/app-env.ts';
import { errorBody } from './lib/errors.ts';
import { sameOriginOnly } from './middleware/same-origin.ts';
import { onError, onNotFound } from './lib/error-handler.ts';
import { authRoutes } from './routes/auth.ts';
import { gitCredentialRoutes } from './routes/git-credential.ts';
import { liveRoutes } from './routes/live.ts';
import { githubWebhookRoutes } from './routes/github-webhook.ts';
import { githubRoutes } from './routes/github.ts';
import { modelProfileRoutes } from './routes/model-profiles.ts';
import { priceRoutes } from './routes/prices.ts';
import { pullRequestRoutes } from './routes/pull-requests.ts';
import { repoRoutes } from './routes/repos.ts';
import { runnerRoutes } from './routes/runners.ts';
import { runRoutes } from './routes/runs.ts';
import { settingsRoutes } from './routes/settings.ts';
import { taskLiveRoutes } from './routes/task-live.ts';
import { taskRunRoutes } from './routes/task-runs.ts';
import { taskRoutes } from './routes/tasks.ts';

const apiBodyLimit = bodyLimit({
  maxSize: LIMITS.maxRequestBodyBytes,
  onError: (c) => c.json(errorBody('payload_too_large', `request body is over ${LIMITS.maxRequestBodyBytes} bytes`), 413),
});

/** The LLM gateway has its own, larger limit (it carries whole conversations). */
const limitBody: MiddlewareHandler<AppEnv> = (c, next) =>
  c.req.path.startsWith('/v1/llm/') ? next() : apiBodyLimit(c, next);

export const app = new Hono<AppEnv>()
  .basePath('/v1')
  .use('*', sameOriginOnly)
  .use('*', limitBody)
  .get('/health', (c) => c.json({ ok: true }))
  .route('/auth', authRoutes)
  .route('/model-profiles', modelProfileRoutes)
  .route('/repos', repoRoutes)
  .route('/tasks', taskRoutes)
  .route('/tasks', taskRunRoutes)
  .route('/tasks', taskLiveRoutes)
  .route('/tasks', pullRequestRoutes)
  .route('/live', liveRoutes)
  .route('/runs', runRoutes)
  .route('/runners', runnerRoutes)
  .route('/prices', priceRoutes)
  .route('/settings', settingsRoutes)
  .route('/github', githubWebhookRoutes)
  .route('/github', githubRoutes)
  .route('/git', gitCredentialRoutes)
  .route('/llm/openai', openaiGateway)
  .route('/llm/anthropic', anthropicGateway)
  .route('/llm/google', googleGateway);

app.onError(onError);
app.notFound(onNotFound);

export type AppType = typeof app;
