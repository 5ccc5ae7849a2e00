/**
 * app.onError / app.notFound: every failure leaves as `{ error: { code, message } }` JSON.
 * Known errors keep their status; hono's "Malformed JSON" becomes 400 invalid_json; anything
 * unexpected is logged (name and message only — never headers or bodies, which may hold secrets)
 * and answered with a stackless 500.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorBody, HttpError } from './errors.ts';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'unprocessable', 429: 'rate_limited',
};

export const onError: ErrorHandler = (err, c: Context) => {
  if (err instanceof HttpError) return c.json(errorBody(err.code, err.message), err.status, err.headers);
  if (err instanceof HTTPException) {
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return c.json(errorBody('invalid_json', 'request body is not valid JSON'), 400);
    }
    const status = (err.status >= 400 && err.status < 600 ? err.status : 500) as ContentfulStatusCode;
    return c.json(errorBody(CODE_BY_STATUS[status] ?? 'error', err.message || 'request refused'), status);
  }
  console.error(`unhandled error on ${c.req.method} ${c.req.path}:`, err.name, err.message);
  return c.json(errorBody('internal', 'internal error'), 500);
};

export const onNotFound: NotFoundHandler = (c) =>
  c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
